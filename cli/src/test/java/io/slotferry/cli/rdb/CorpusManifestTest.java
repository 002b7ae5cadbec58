package io.slotferry.cli.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.slotferry.rdb.ChecksumStatus;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbOptions;
import io.slotferry.rdb.RdbReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every generated RDB of the shared corpus (Redis 2.4 to 8.0, Valkey 8, codis-server; default,
 * nocompress and psync variants, cluster and module files) dumps exactly to its manifest's
 * {@code databases}, key for key, and the raw mode agrees on each key's RDB type and checksum.
 */
class CorpusManifestTest {

    @TestFactory
    Stream<DynamicTest> everyCorpusFileDumpsToItsManifest() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(Corpus.dir())) {
            for (Path manifest : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode m = Corpus.JSON.readTree(manifest.toFile());
                Iterator<String> names = m.get("files").fieldNames();
                while (names.hasNext()) {
                    String name = names.next();
                    Path rdb = manifest.resolveSibling(name);
                    tests.add(DynamicTest.dynamicTest(name, () -> check(rdb, m, m.get("files").get(name))));
                }
            }
        }
        assertTrue(tests.size() >= 41, "expected the 41 generated files and more, found " + tests.size());
        return tests.stream();
    }

    private static void check(Path rdb, JsonNode manifest, JsonNode fileInfo) throws IOException {
        Map<String, JsonNode> actual = Corpus.dump(rdb);
        Map<String, JsonNode> expected = new HashMap<>();
        manifest.get("databases").fields().forEachRemaining(db ->
                db.getValue().fields().forEachRemaining(k -> expected.put(db.getKey() + "/" + k.getKey(), k.getValue())));
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(actual.keySet()), rdb + ": key sets differ");
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
            JsonNode want = e.getValue();
            JsonNode got = actual.get(e.getKey());
            if (!got.get("type").asText().equals(want.get("type").asText())) {
                diffs.add(e.getKey() + ": type " + got.get("type") + " != " + want.get("type"));
                continue;
            }
            if (want.get("type").asText().equals("module")) {
                if (!got.get("module_type").asText().equals(want.get("module_type").asText())
                        || got.get("module_encver").asInt() != want.get("module_encver").asInt()) {
                    diffs.add(e.getKey() + ": module " + got + " != " + want);
                }
            } else if (!Corpus.same(want.get("value"), got.get("value"))) {
                diffs.add(e.getKey() + ": value\n   got  " + got.get("value") + "\n   want " + want.get("value"));
            }
            if (!Corpus.same(want.get("expire_ms"), got.get("expire_ms"))) {
                diffs.add(e.getKey() + ": expire_ms " + got.get("expire_ms") + " != " + want.get("expire_ms"));
            }
            if (!Corpus.same(want.get("field_expires_ms"), got.get("field_expires_ms"))) {
                diffs.add(e.getKey() + ": field_expires_ms " + got.get("field_expires_ms") + " != " + want.get("field_expires_ms"));
            }
        }
        assertTrue(diffs.isEmpty(), rdb.getFileName() + ":\n" + String.join("\n", diffs));
        checkRaw(rdb, expected, fileInfo);
    }

    /** Raw mode sees the same keys with the manifest's RDB type bytes, and the file's checksum state. */
    private static void checkRaw(Path rdb, Map<String, JsonNode> expected, JsonNode fileInfo) throws IOException {
        int keys = 0;
        RdbEvent.End end = null;
        try (InputStream in = Files.newInputStream(rdb); RdbReader r = RdbReader.open(in, RdbOptions.raw())) {
            RdbEvent e;
            while ((e = r.next()) != null) {
                if (e instanceof RdbEvent.RawValue v) {
                    keys++;
                    assertTrue(v.captured());
                    assertEquals(v.valueLength(), v.value().length);
                    String id = v.key().db() + "/" + new String(v.key().key(), java.nio.charset.StandardCharsets.ISO_8859_1);
                    JsonNode want = expected.get(id);
                    if (want.has("rdb_type")) {
                        assertEquals(want.get("rdb_type").asInt(), v.key().type().code(), rdb.getFileName() + " " + id);
                    }
                } else if (e instanceof RdbEvent.End x) {
                    end = x;
                }
            }
        }
        assertEquals(expected.size(), keys);
        String checksum = fileInfo.get("checksum").asText();
        ChecksumStatus want = checksum.startsWith("ok") ? ChecksumStatus.VALID
                : checksum.startsWith("zero") ? ChecksumStatus.DISABLED : ChecksumStatus.ABSENT;
        assertEquals(want, end.checksum(), rdb.getFileName() + " checksum (" + checksum + ")");
        assertFalse(end.trailingBytes() > 0, "no trailing bytes in generated files");
    }
}
