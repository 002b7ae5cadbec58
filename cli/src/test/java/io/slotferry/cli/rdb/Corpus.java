package io.slotferry.cli.rdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.fixture.ServerView;
import io.slotferry.replication.file.RdbFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Access to {@code ../shared/rdb-corpus} and the dump of a file as a map "db/key" → JSON object. */
final class Corpus {
    static final ObjectMapper JSON = new ObjectMapper();

    private Corpus() {
    }

    static Path dir() {
        String shared = System.getProperty("slotferry.shared.dir", "../../shared");
        Path p = Path.of(shared, "rdb-corpus").toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) {
            // Running from the module directory without Maven's property: try the repository layout.
            p = Path.of("..", "..", "shared", "rdb-corpus").toAbsolutePath().normalize();
        }
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("the shared RDB corpus is missing: expected " + p + " (../shared beside the clone)");
        }
        return p;
    }

    /** Dumps a file with {@link JsonlDump} and indexes the lines by "db/key". */
    static Map<String, JsonNode> dump(Path file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = RdbFiles.open(file.toString())) {
            JsonlDump.write(in, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, JsonNode> keys = new LinkedHashMap<>();
        for (String line : out.toString(StandardCharsets.US_ASCII).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(line);
                keys.put(n.get("db").asInt() + "/" + n.get("key").asText(), n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return keys;
    }

    /** JSON equality where numbers compare by value (1 == 1.0 == 1L) and a missing node equals null, as the manifests write them. */
    static boolean same(JsonNode expected, JsonNode actual) {
        return ServerView.matches(expected, actual, false);
    }
}
