package io.slotferry.load;

import static io.slotferry.fixture.Bulk.ascii;
import static io.slotferry.fixture.Bulk.latin1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotferry.fixture.Dataset;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.ServerView;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.write.DataErrorPolicy;
import io.slotferry.write.Write;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The loader's writes applied to a real redis-server 7.0 (through {@link ConnectionSink}, which also
 * checks every probe) read back like the source: a dataset of every type saved by the same server,
 * and every file of the shared corpus compared with its manifest, in both load modes.
 */
@ExtendWith(RealServers.class)
class SnapshotLoaderIT {
    @TempDir
    Path dir;

    @Test
    void everyTypeRewrittenAsCommandsReadsBackLikeTheOriginal(StandaloneRedis redis) throws Exception {
        Map<String, JsonNode> original = saveDataset(redis);
        // Small chunks and a tiny PEL memory bound: many chunks per key, and the PEL spills to a file.
        LoadOptions options = LoadOptions.defaults().withMode(LoadMode.REWRITE).withChunks(100, 64 << 10)
                .withPendingEntriesInMemory(64, dir);
        LoadStats stats = new LoadStats();
        try (ConnectionSink sink = new ConnectionSink(redis.host(), redis.port(), stats)) {
            SnapshotLoader.load(dir.resolve("dataset.rdb"), sink, probe(redis), options, stats);
            assertEquals(List.of(), sink.refusals);
            assertTrue(sink.probesChecked > 100, "probes checked against the server: " + sink.probesChecked);
        }
        assertSameKeys(original, views(redis));
        LoadStats.Snapshot s = stats.snapshot();
        assertEquals(original.size(), s.keysWritten());
        assertEquals(original.size(), s.rewritten());
        assertEquals(0, s.restored());
    }

    @Test
    void restoreModeRewritesOnlyValuesAboveTheBigValueSize(StandaloneRedis redis) throws Exception {
        Map<String, JsonNode> original = saveDataset(redis);
        LoadStats stats = new LoadStats();
        try (ConnectionSink sink = new ConnectionSink(redis.host(), redis.port(), stats)) {
            SnapshotLoader.load(dir.resolve("dataset.rdb"), sink, probe(redis), LoadOptions.defaults().withBigValueBytes(16 << 10),
                    stats);
            assertEquals(List.of(), sink.refusals);
        }
        assertSameKeys(original, views(redis));
        LoadStats.Snapshot s = stats.snapshot();
        assertTrue(s.restored() >= 10 && s.rewritten() >= 5, s.toString());
        assertEquals(original.size(), s.restored() + s.rewritten());
        assertEquals(original.size(), s.keysWritten());
    }

    @Test
    void anXclaimOfAPlaceholderIsGuardedBecauseResendingItAfterTheXdelWouldDropThePendingEntry(StandaloneRedis redis)
            throws Exception {
        LoadOptions options = LoadOptions.defaults().withMode(LoadMode.REWRITE)
                .withKeyMapping((db, key) -> db == 0 && latin1(key).equals("stream:groups") ? key : null);
        Write guarded;
        try (ConnectionSink sink = new ConnectionSink(redis.host(), redis.port(), new LoadStats())) {
            SnapshotLoader.load(CorpusFiles.file("redis-7.2.6.rdb"), sink, probe(redis), options, new LoadStats());
            guarded = sink.applied.stream().filter(w -> w.probe() != null && w.lengthProbe().appliedWhen() == Long.MAX_VALUE)
                    .findFirst().orElseThrow();
        }
        byte[] key = ascii("stream:groups");
        try (Jedis jedis = redis.jedis()) {
            long xlen = jedis.xlen(latin1(key));
            assertTrue(xlen != guarded.lengthProbe().notAppliedWhen() && xlen < guarded.lengthProbe().appliedWhen(),
                    "after the XDEL the probe answers neither: a writer stops instead of re-sending (XLEN " + xlen + ")");
            assertEquals(6L, pendingCount(jedis), "g1 holds the pending entry of the deleted 3-1");
            for (List<byte[]> command : guarded.commands()) { // what a blind re-send would do
                jedis.sendCommand(() -> command.get(0), command.subList(1, command.size()).toArray(new byte[0][]));
            }
            assertEquals(5L, pendingCount(jedis), "Redis 7.0 XCLAIM drops pending entries of deleted IDs");
        }
    }

    private static long pendingCount(Jedis jedis) {
        List<?> summary = (List<?>) jedis.sendCommand(redis.clients.jedis.Protocol.Command.XPENDING,
                ascii("stream:groups"), ascii("g1"));
        return (Long) summary.get(0);
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusFileLoadsToItsManifestInBothModes(StandaloneRedis redis) {
        return everyCorpusFileInBothModes((rdb, manifest, mode) -> loadAndCompare(redis, rdb, manifest, mode));
    }

    /** One load of a corpus file in one mode, checked against its manifest. */
    @FunctionalInterface
    interface CorpusLoad {
        void run(Path rdb, JsonNode manifest, LoadMode mode) throws Exception;
    }

    /** A dynamic test per corpus file and load mode (at least 41 files). */
    static Stream<DynamicTest> everyCorpusFileInBothModes(CorpusLoad load) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path manifestFile : CorpusFiles.manifests()) {
            JsonNode manifest = CorpusFiles.manifest(manifestFile);
            for (String name : (Iterable<String>) manifest.get("files")::fieldNames) {
                for (LoadMode mode : LoadMode.values()) {
                    tests.add(DynamicTest.dynamicTest(name + " " + mode,
                            () -> load.run(manifestFile.resolveSibling(name), manifest, mode)));
                }
            }
        }
        assertTrue(tests.size() >= 2 * 41, "files found: " + tests.size() / 2);
        return tests.stream();
    }

    private void loadAndCompare(StandaloneRedis redis, Path rdb, JsonNode manifest, LoadMode mode) throws Exception {
        redis.flushAll();
        long now = System.currentTimeMillis();
        LoadOptions options = LoadOptions.defaults().withMode(mode).withDataErrorPolicy(DataErrorPolicy.SKIP)
                .withClock(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC));
        LoadStats stats = new LoadStats();
        try (ConnectionSink sink = new ConnectionSink(redis.host(), redis.port(), stats)) {
            SnapshotLoader.load(rdb, sink, probe(redis), options, stats);
        }
        assertMatchesManifest(manifest, now, views(redis), stats, rdb.getFileName() + " " + mode);
    }

    /**
     * The keys a 7.0 target holds ({@code actual}, from {@link ServerView}) are exactly the manifest's
     * database 0 as of {@code now}, and the load's counters add up. Shared with the cluster test.
     */
    static void assertMatchesManifest(JsonNode manifest, long now, Map<String, JsonNode> actual, LoadStats stats,
                                      String label) {
        Map<String, JsonNode> expected = new TreeMap<>();
        Set<String> failing = new TreeSet<>();
        expectedOnRedis70(manifest, now, expected, failing);
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
            JsonNode got = actual.get(e.getKey());
            JsonNode want = e.getValue();
            if (got == null) {
                diffs.add(e.getKey() + ": missing");
            } else if (!got.get("type").equals(want.get("type")) || !ServerView.matches(want.get("expire_ms"), got.get("expire_ms"), false)) {
                diffs.add(e.getKey() + ": type/expiry " + got.get("type") + " " + got.get("expire_ms") + ", want "
                        + want.get("type") + " " + want.get("expire_ms"));
            } else if (!ServerView.matches(want.get("value"), got.get("value"), want.get("type").asText().equals("stream"))) {
                diffs.add(e.getKey() + ":\n   got  " + got.get("value") + "\n   want " + want.get("value"));
            }
        }
        Set<String> extra = new TreeSet<>(actual.keySet());
        extra.removeAll(expected.keySet());
        assertTrue(diffs.isEmpty() && extra.isEmpty(), label + ": extra keys " + extra + "\n"
                + String.join("\n", diffs));
        LoadStats.Snapshot s = stats.snapshot();
        assertEquals(failing.size(), s.failed(), "failed keys " + failing + " but " + stats.recentFailures());
        assertEquals(expected.size(), s.keysWritten());
        assertEquals(s.keysRead(), s.keysWritten() + s.failed() + s.skippedExpired() + s.skippedOtherDb(),
                "every key is written, failed or skipped");
    }

    /**
     * The manifest's database 0 as a 7.0 target should hold it: keys whose expiry passed are absent, hash
     * fields whose TTL passed are absent, and hashes with live field TTLs and module values cannot be
     * written (7.0 has neither), so they are data errors.
     */
    private static void expectedOnRedis70(JsonNode manifest, long now, Map<String, JsonNode> expected, Set<String> failing) {
        JsonNode db0 = manifest.get("databases").get("0");
        for (String key : (Iterable<String>) db0::fieldNames) {
            ObjectNode k = db0.get(key).deepCopy();
            JsonNode expire = k.get("expire_ms");
            if (expire != null && !expire.isNull() && expire.asLong() <= now) {
                continue;
            }
            if (k.get("type").asText().equals("module")) {
                failing.add(key);
                continue;
            }
            JsonNode fieldTtls = k.get("field_expires_ms");
            if (fieldTtls != null && !fieldTtls.isNull()) {
                boolean live = false;
                for (String field : (Iterable<String>) fieldTtls::fieldNames) {
                    if (fieldTtls.get(field).asLong() <= now) {
                        ((ObjectNode) k.get("value")).remove(field);
                    } else {
                        live = true;
                    }
                }
                if (live) {
                    failing.add(key);
                    continue;
                }
            }
            expected.put(key, k);
        }
    }

    /** Writes {@link Dataset}, saves it to {@code dir/dataset.rdb}, returns the keys' views, and empties the server. */
    private Map<String, JsonNode> saveDataset(StandaloneRedis redis) throws Exception {
        try (Jedis jedis = redis.jedis()) {
            Dataset.writeShapes(jedis);
            Files.copy(redis.save(), dir.resolve("dataset.rdb"));
            Map<String, JsonNode> original = views(redis);
            assertEquals(jedis.dbSize(), original.size());
            jedis.flushAll();
            return original;
        }
    }

    private static Map<String, JsonNode> views(StandaloneRedis redis) {
        Map<String, JsonNode> views = new HashMap<>();
        try (Jedis jedis = redis.jedis()) {
            for (byte[] key : ServerView.keys(jedis)) {
                views.put(new String(key, StandardCharsets.ISO_8859_1), ServerView.of(jedis, key, true));
            }
        }
        return views;
    }

    private static void assertSameKeys(Map<String, JsonNode> original, Map<String, JsonNode> loaded) {
        assertEquals(new TreeSet<>(original.keySet()), new TreeSet<>(loaded.keySet()));
        for (Map.Entry<String, JsonNode> e : original.entrySet()) {
            assertEquals(e.getValue(), loaded.get(e.getKey()), e.getKey());
        }
    }

    private static TargetCapabilities probe(StandaloneRedis redis) throws Exception {
        try (RedisConnection c = RedisConnection.open(RedisEndpoint.plain(redis.host(), redis.port()), Duration.ofSeconds(5))) {
            return TargetCapabilities.probe(c);
        }
    }
}
