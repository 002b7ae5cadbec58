package io.slotferry.replication.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotferry.fixture.Dataset;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.ServerView;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.rdb.DumpPayload;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbType;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.replication.ReplicationException;
import io.slotferry.replication.ReplicationId;
import io.slotferry.resp.RedisEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * {@link ScanSource} against a real redis-server 7.0: every key of every type arrives once, in the
 * right database, with the server's own DUMP bytes, its TTL, and a payload that RESTOREs to the
 * same value; vanished keys are skipped and counted; the rate limit holds; errors name the key.
 */
@ExtendWith(RealServers.class)
class ScanSourceIT {
    /** Types Redis 7.0 writes for the dataset's encodings: the test must see each of them. */
    private static final Set<RdbType> EXPECTED_TYPES = Set.of(RdbType.STRING, RdbType.LIST_QUICKLIST_2,
            RdbType.SET_INTSET, RdbType.SET, RdbType.ZSET_LISTPACK, RdbType.ZSET_2, RdbType.HASH_LISTPACK,
            RdbType.HASH, RdbType.STREAM_LISTPACKS_2);
    private static final long TTL_TOLERANCE_MS = 2_000;

    @Test
    void everyKeyOfEveryDatabaseArrivesOnceWithItsTypeTtlAndARestorablePayload(StandaloneRedis redis) throws Exception {
        Map<String, Dataset.Written> written = new HashMap<>();
        try (Jedis jedis = redis.jedis()) {
            Dataset dataset = new Dataset(20240601L);
            for (Dataset.Written w : dataset.write(jedis, 0, 8)) {
                written.put(id(w.db(), w.key()), w);
            }
            for (Dataset.Written w : dataset.write(jedis, 5, 4)) {
                written.put(id(w.db(), w.key()), w);
            }
        }
        Walk walk = walk(redis, ScanOptions.defaults().withCount(10));

        assertEquals(List.of(0, 5), walk.selectedDbs, "one SelectDb per database, in order");
        assertEquals(List.of(0, 5), walk.databases, "databases found with INFO keyspace");
        assertEquals(written.keySet(), walk.keys.keySet(), "the keys delivered are the keys written");
        assertEquals(written.size(), walk.keyCount, "no key delivered twice");
        assertEquals(written.size(), walk.counters[0]);
        assertEquals(0, walk.counters[1], "nothing vanished");

        int restored = 0;
        Set<RdbType> seen = new TreeSet<>();
        try (Jedis jedis = redis.jedis()) {
            byte[] anyDump = null;
            for (Map.Entry<String, RdbEvent.RawValue> e : walk.keys.entrySet()) {
                RdbEvent.RawValue v = e.getValue();
                Dataset.Written w = written.get(e.getKey());
                String name = e.getKey() + " (" + v.key().type() + ")";
                jedis.select(w.db());
                byte[] dump = jedis.dump(w.key());
                anyDump = dump;
                assertEquals(dump[0] & 0xff, v.key().type().code(), () -> "type byte of " + name);
                assertEquals(v.value().length, v.valueLength(), () -> "valueLength of " + name);
                if (w.expireAtMs() == -1) {
                    assertEquals(-1, v.key().expireAtMs(), () -> "no TTL on " + name);
                } else {
                    long diff = Math.abs(v.key().expireAtMs() - w.expireAtMs());
                    assertTrue(diff <= TTL_TOLERANCE_MS, () -> "expiry of " + name + " is off by " + diff + " ms");
                }
                byte[] payload = DumpPayload.build(v.key().type().code(), v.value(), walk.version);
                // Hashtable sets and hashes have no fixed iteration order, so two DUMPs may differ.
                if (v.key().type() != RdbType.SET && v.key().type() != RdbType.HASH) {
                    assertArrayEquals(dump, payload, () -> "payload of " + name + " rebuilds the server's DUMP");
                }
                ObjectNode original = ServerView.of(jedis, w.key(), true);
                original.remove("expire_ms"); // the TTL is checked above; the copy is restored without one
                byte[] copy = ("copy:" + restored).getBytes(StandardCharsets.US_ASCII);
                jedis.select(15);
                assertEquals("OK", jedis.restore(copy, 0, payload), () -> "RESTORE of " + name);
                ObjectNode restoredCopy = ServerView.of(jedis, copy, true);
                restoredCopy.remove("expire_ms");
                assertEquals(original, restoredCopy, () -> "restored value of " + name);
                seen.add(v.key().type());
                restored++;
            }
            assertEquals(DumpPayload.rdbVersion(anyDump), walk.version, "SnapshotBegin carries the DUMP trailer's version");
        }
        assertEquals(written.size(), restored);
        assertTrue(seen.containsAll(EXPECTED_TYPES), "types seen: " + seen);
    }

    @Test
    void onlyTheRequestedDatabasesAreWalked(StandaloneRedis redis) throws Exception {
        Set<String> inFive = new TreeSet<>();
        try (Jedis jedis = redis.jedis()) {
            Dataset dataset = new Dataset(7L);
            dataset.write(jedis, 0, 1);
            dataset.write(jedis, 5, 2).forEach(w -> inFive.add(id(w.db(), w.key())));
        }
        Walk walk = walk(redis, ScanOptions.defaults().withDatabases(List.of(5)));
        assertEquals(List.of(5), walk.selectedDbs);
        assertEquals(inFive, walk.keys.keySet());
    }

    @Test
    void anEmptySourceIsAnEmptySnapshot(StandaloneRedis redis) throws Exception {
        Walk walk = walk(redis, ScanOptions.defaults());
        assertEquals(List.of(), walk.databases);
        assertEquals(0, walk.keyCount);
        assertEquals(0, walk.version, "no payload, so no version");
    }

    @Test
    void keysThatExpireBetweenScanAndDumpAreSkippedAndCounted(StandaloneRedis redis) throws Exception {
        int shortLived = 200;
        Set<String> lasting = new TreeSet<>();
        try (Jedis jedis = redis.jedis()) {
            for (int i = 0; i < 3; i++) {
                jedis.set("stay:" + i, "v");
                lasting.add(id(0, ("stay:" + i).getBytes(StandardCharsets.US_ASCII)));
            }
            Pipeline p = jedis.pipelined();
            for (int i = 0; i < shortLived; i++) {
                p.psetex("short:" + i, 400, "v");
            }
            p.sync();
        }
        // The pacer sleeps between a batch's SCAN and its DUMPs. After the first batch (~15 keys at
        // 10 keys/s) that is well over the keys' 400 ms, so the next batch's keys are gone by then.
        Walk walk = walk(redis, ScanOptions.defaults().withCount(20).withMaxKeysPerSecond(10));
        long skipped = walk.counters[1];
        assertTrue(skipped > 0, "some keys vanished between SCAN and DUMP");
        assertEquals(walk.keyCount, walk.counters[0]);
        assertTrue(walk.keyCount + skipped <= shortLived + lasting.size(),
                "each key is delivered or skipped, not both: " + walk.keyCount + " + " + skipped);
        assertTrue(walk.keys.keySet().containsAll(lasting), "keys without TTL are all delivered");
        for (Map.Entry<String, RdbEvent.RawValue> e : walk.keys.entrySet()) {
            boolean isShort = e.getKey().startsWith("0/" + HexFormat.of().formatHex("short:".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(isShort, e.getValue().key().expireAtMs() != -1, () -> "expiry of " + e.getKey());
        }
    }

    @Test
    void theRateLimitSpreadsTheWalkOverTime(StandaloneRedis redis) throws Exception {
        try (Jedis jedis = redis.jedis()) {
            for (int i = 0; i < 300; i++) {
                jedis.set("k:" + i, "v");
            }
        }
        long start = System.nanoTime();
        Walk walk = walk(redis, ScanOptions.defaults().withCount(50).withMaxKeysPerSecond(300));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(300, walk.keyCount);
        // 300 keys at 300/s, the first batch (about 50 keys) free: at least ~0.8 s.
        assertTrue(elapsedMs >= 600, "the walk took " + elapsedMs + " ms");
    }

    @Test
    void aDumpRefusedByAclIsAnErrorNamingTheKeyAndNotThePassword(StandaloneRedis redis) throws Exception {
        String password = "pw-" + Long.toHexString(System.nanoTime());
        try (Jedis jedis = redis.jedis()) {
            jedis.set("secret:1", "v");
            jedis.aclSetUser("scan-no-dump", "reset", "on", ">" + password, "~*", "+@all", "-dump");
        }
        try {
            RedisEndpoint endpoint = new RedisEndpoint(redis.host(), redis.port(), null, "scan-no-dump", () -> password);
            try (ScanSource source = ScanSource.open(endpoint, ScanOptions.defaults())) {
                ReplicationException e = assertThrows(ReplicationException.class, source::next);
                assertTrue(e.getMessage().contains("DUMP of key \"secret:1\" in db 0"), e.getMessage());
                assertTrue(e.getMessage().contains("NOPERM"), e.getMessage());
                assertFalse(e.getMessage().contains(password), "the message never holds the password");
                ReplicationException again = assertThrows(ReplicationException.class, source::next);
                assertTrue(again.getMessage().contains("failed earlier"), again.getMessage());
            }
        } finally {
            try (Jedis jedis = redis.jedis()) {
                jedis.aclDelUser("scan-no-dump");
            }
        }
    }

    /** Everything one walk delivered, checked for shape on the way. */
    private static final class Walk {
        int version = -1;
        List<Integer> databases;
        final List<Integer> selectedDbs = new ArrayList<>();
        final Map<String, RdbEvent.RawValue> keys = new TreeMap<>();
        int keyCount;
        long[] counters;
    }

    private static Walk walk(StandaloneRedis redis, ScanOptions options) throws Exception {
        Walk walk = new Walk();
        try (ScanSource source = ScanSource.open(RedisEndpoint.plain(redis.host(), redis.port()), options)) {
            ReplicationEvent.SnapshotBegin begin = assertInstanceOf(ReplicationEvent.SnapshotBegin.class, source.next());
            assertEquals(ReplicationId.NONE, begin.replid());
            assertEquals(-1, begin.offset());
            walk.version = begin.rdbVersion();
            int currentDb = -1;
            ReplicationEvent e;
            while (!((e = source.next()) instanceof ReplicationEvent.SnapshotEnd)) {
                RdbEvent data = assertInstanceOf(ReplicationEvent.SnapshotData.class, e, "inside the snapshot").event();
                if (data instanceof RdbEvent.SelectDb s) {
                    assertNotEquals(currentDb, s.db(), "SelectDb only when the database changes");
                    currentDb = s.db();
                    walk.selectedDbs.add(currentDb);
                } else {
                    RdbEvent.RawValue v = assertInstanceOf(RdbEvent.RawValue.class, data);
                    assertEquals(currentDb, v.key().db(), "a key belongs to the database last selected");
                    assertTrue(v.captured());
                    walk.keys.put(id(v.key().db(), v.key().key()), v);
                    walk.keyCount++;
                }
            }
            assertEquals(new ReplicationEvent.SnapshotEnd(ReplicationId.NONE, -1), e);
            assertNull(source.next(), "the walk ends after SnapshotEnd");
            assertNull(source.next());
            walk.databases = source.databases();
            walk.counters = new long[] {source.keys(), source.skippedVanished()};
        }
        return walk;
    }

    private static String id(int db, byte[] key) {
        return db + "/" + HexFormat.of().formatHex(key);
    }
}
