package io.slotferry.cli.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.filter.KeyFilter;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code migrate rdb dump} with the key filters of {@code run}: exactly the keys they keep, in file order. */
class JsonlDumpFilterTest {
    private static final Path FILE = Path.of(System.getProperty("slotferry.shared.dir", "../../shared"), "rdb-corpus",
            "redis-7.2.6.rdb");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> dump(KeyFilter filter) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(FILE)) {
            JsonlDump.write(in, out, filter);
        }
        List<JsonNode> keys = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                keys.add(JSON.readTree(line));
            }
        }
        return keys;
    }

    @Test
    void dumpsExactlyTheKeysTheFiltersKeep() throws Exception {
        List<JsonNode> all = dump(KeyFilter.NONE);
        List<JsonNode> expected = all.stream().filter(k -> !k.get("key").asText().startsWith("str")
                && List.of("hash", "string").contains(k.get("type").asText())).toList();
        List<JsonNode> kept = dump(KeyFilter.of(List.of(), List.of("str*"), List.of("hash", "string")));
        assertEquals(expected, kept);
        assertTrue(kept.size() > 0 && kept.size() < all.size(), kept.size() + " of " + all.size());
    }
}
