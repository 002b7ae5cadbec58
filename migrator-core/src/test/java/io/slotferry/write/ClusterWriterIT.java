package io.slotferry.write;

import static io.slotferry.fixture.Bulk.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.resp.RedisEndpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * The writer against the TLS + ACL fixture cluster (3 primaries, 3 replicas) as the least-privileged
 * user: order per key, failovers, a killed primary and a slot migrated under load lose nothing.
 */
@ExtendWith(RealServers.class)
class ClusterWriterIT {
    private static final int MILLION = 1_000_000;

    private RedisClusterFixture fixture;

    @AfterEach
    void heal() {
        if (fixture != null) {
            fixture.heal();
        }
    }

    private ClusterWriter open(RedisClusterFixture cluster, WriterOptions options) throws Exception {
        fixture = cluster;
        ClusterNode seed = cluster.masters().get(0);
        String password = cluster.aclPassword();
        RedisEndpoint endpoint = new RedisEndpoint(seed.host(), seed.port(), cluster.sslSocketFactory(), cluster.aclUser(),
                () -> password);
        return ClusterWriter.open(endpoint, options, WriteListener.NONE);
    }

    @Test
    void appliesWritesOfEachKeyInOrderOnEveryPrimary(RedisClusterFixture cluster) throws Exception {
        int keys = 20_000;
        try (ClusterWriter writer = open(cluster, WriterOptions.defaults())) {
            assertTrue(writer.clusterMode());
            long offset = 0;
            for (int round = 0; round < 5; round++) {
                for (int k = 0; k < keys; k++) {
                    writer.submit(Write.of(utf8("order:" + k), offset++, List.of(utf8("RPUSH"), utf8("order:" + k),
                            utf8(Integer.toString(round)))));
                }
            }
            writer.drain();
            assertEquals(offset - 1, writer.appliedOffset());
            assertEquals(5L * keys, writer.stats().acknowledged());
        }
        try (JedisCluster jedis = cluster.jedisCluster()) {
            for (int k = 0; k < keys; k += 97) {
                assertEquals(List.of("0", "1", "2", "3", "4"), jedis.lrange("order:" + k, 0, -1), "order:" + k);
            }
        }
        assertEquals(keys, totalKeys(cluster));
    }

    @Test
    void losesNothingWhenAReplicaTakesOverWithClusterFailover(RedisClusterFixture cluster) throws Exception {
        ClusterNode master = cluster.masters().get(1);
        int replica = cluster.replicasOf(master).get(0).index();
        loadMillionWhile(cluster, () -> cluster.failover(replica));
    }

    @Test
    void losesNothingWhenAPrimaryIsKilledAndItsReplicaPromoted(RedisClusterFixture cluster) throws Exception {
        int victim = cluster.masters().get(2).index();
        WriterStats stats = loadMillionWhile(cluster, () -> cluster.killNode(victim));
        assertTrue(stats.reconnects() > 0, "the writer lost its connection to the killed primary: " + stats);
    }

    /**
     * Loads one million keys (every tenth a three-element list of non-idempotent RPUSH writes with
     * probes, its elements written in three rounds over all keys) while {@code fault} runs after the first 200,000, then checks every key is there and
     * every list holds its three elements exactly once, in order.
     */
    private WriterStats loadMillionWhile(RedisClusterFixture cluster, Runnable fault) throws Exception {
        AtomicReference<Throwable> faultError = new AtomicReference<>();
        Thread faultThread = new Thread(() -> {
            try {
                fault.run();
            } catch (Throwable t) {
                faultError.set(t);
            }
        }, "fault");
        WriterStats stats;
        try (ClusterWriter writer = open(cluster, WriterOptions.defaults())) {
            long offset = 0;
            // round 0 writes every key; rounds 1 and 2 append to the lists (a key's non-idempotent
            // writes wait for each other, so they are spread out to keep the pipeline full)
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < MILLION; i += round == 0 ? 1 : 10) {
                    if (round == 0 && i == 200_000) {
                        faultThread.start();
                    }
                    byte[] key = utf8("k:" + i);
                    if (i % 10 == 0) {
                        writer.submit(Write.of(key, offset++, List.of(utf8("RPUSH"), key, utf8("e" + round)))
                                .withProbe(new Write.Probe.Length(List.of(utf8("LLEN"), key), round + 1, round)));
                    } else {
                        writer.submit(Write.of(key, offset++, List.of(utf8("SET"), key, utf8("v" + i))));
                    }
                }
            }
            writer.drain();
            faultThread.join();
            stats = writer.stats();
            assertEquals(offset - 1, writer.appliedOffset());
        }
        if (faultError.get() != null) {
            throw new AssertionError("the fault injection failed", faultError.get());
        }
        cluster.heal();
        assertEquals(MILLION, totalKeys(cluster), "keys on the primaries after " + stats);
        try (JedisCluster jedis = cluster.jedisCluster()) {
            for (int i = 0; i < MILLION; i += 10) {
                assertEquals(List.of("e0", "e1", "e2"), jedis.lrange("k:" + i, 0, -1), "k:" + i);
            }
            for (int i = 1; i < MILLION; i += 997) {
                if (i % 10 == 0) {
                    continue; // a list, checked above
                }
                assertEquals("v" + i, jedis.get("k:" + i), "k:" + i);
            }
        }
        return stats;
    }

    @Test
    void losesNothingWhileASlotMigratesBetweenPrimaries(RedisClusterFixture cluster) throws Exception {
        byte[] tagged = utf8("{moving}:0");
        int slot = io.slotferry.routing.HashSlot.of(tagged);
        AtomicReference<Throwable> migrationError = new AtomicReference<>();
        Thread migration = new Thread(() -> {
            try {
                migrateSlot(cluster, slot);
            } catch (Throwable t) {
                migrationError.set(t);
            }
        }, "migration");
        int keys = 300_000;
        WriterStats stats;
        try (ClusterWriter writer = open(cluster, WriterOptions.defaults())) {
            long offset = 0;
            for (int e = 0; e < 2; e++) {
                for (int i = 0; i < keys; i++) {
                    if (e == 0 && i == 50_000) {
                        migration.start();
                    }
                    // every third key lives in the migrating slot; lists check order and exactly-once
                    byte[] key = utf8(i % 3 == 0 ? "{moving}:" + i : "other:" + i);
                    writer.submit(Write.of(key, offset++, List.of(utf8("RPUSH"), key, utf8("e" + e)))
                            .withProbe(new Write.Probe.Length(List.of(utf8("LLEN"), key), e + 1, e)));
                }
            }
            writer.drain();
            migration.join();
            stats = writer.stats();
        }
        if (migrationError.get() != null) {
            throw new AssertionError("the slot migration failed", migrationError.get());
        }
        assertTrue(stats.moved() + stats.asked() > 0, "the load met the migration: " + stats);
        assertEquals(keys, totalKeys(cluster));
        try (JedisCluster jedis = cluster.jedisCluster()) {
            for (int i = 0; i < keys; i += 3) {
                assertEquals(List.of("e0", "e1"), jedis.lrange("{moving}:" + i, 0, -1), "{moving}:" + i);
            }
        }
    }

    /** What an operator's resharding does: IMPORTING/MIGRATING, MIGRATE every key, SETSLOT NODE. */
    private static void migrateSlot(RedisClusterFixture cluster, int slot) throws Exception {
        ClusterNode from = null;
        for (ClusterNode m : cluster.masters()) {
            try (Jedis j = cluster.jedis(m)) {
                if (j.clusterCountKeysInSlot(slot) > 0 || owns(j, slot)) {
                    from = m;
                }
            }
        }
        ClusterNode source = from;
        ClusterNode target = cluster.masters().stream().filter(m -> m.port() != source.port()).findFirst().orElseThrow();
        try (Jedis src = cluster.jedis(source); Jedis dst = cluster.jedis(target)) {
            String srcId = src.clusterMyId();
            String dstId = dst.clusterMyId();
            dst.clusterSetSlotImporting(slot, srcId);
            src.clusterSetSlotMigrating(slot, dstId);
            Thread.sleep(200); // let the load meet ASK redirects
            while (true) {
                List<String> batch = src.clusterGetKeysInSlot(slot, 200);
                if (batch.isEmpty()) {
                    break;
                }
                List<String> args = new ArrayList<>(List.of(target.host(), Integer.toString(target.port()), "", "0", "5000",
                        "AUTH", cluster.password(), "KEYS"));
                args.addAll(batch);
                src.sendCommand(redis.clients.jedis.Protocol.Command.MIGRATE, args.toArray(new String[0]));
            }
            dst.clusterSetSlotNode(slot, dstId);
            src.clusterSetSlotNode(slot, dstId);
            for (ClusterNode m : cluster.masters()) {
                if (m.port() != source.port() && m.port() != target.port()) {
                    try (Jedis j = cluster.jedis(m)) {
                        j.clusterSetSlotNode(slot, dstId);
                    }
                }
            }
        }
    }

    private static boolean owns(Jedis j, int slot) {
        String myId = j.clusterMyId();
        for (String line : j.clusterNodes().split("\n")) {
            if (line.startsWith(myId)) {
                for (String part : line.split(" ")) {
                    if (part.matches("\\d+-\\d+")) {
                        String[] r = part.split("-");
                        if (slot >= Integer.parseInt(r[0]) && slot <= Integer.parseInt(r[1])) {
                            return true;
                        }
                    } else if (part.equals(Integer.toString(slot))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    void stopsOnWrongTypeNamingTheKey(RedisClusterFixture cluster) throws Exception {
        try (ClusterWriter writer = open(cluster, WriterOptions.defaults())) {
            writer.submit(Write.of(utf8("typed"), 0, List.of(utf8("SET"), utf8("typed"), utf8("x"))));
            writer.submit(Write.of(utf8("typed"), 1, List.of(utf8("RPUSH"), utf8("typed"), utf8("y"))));
            WriteException e = assertThrows(WriteException.class, writer::drain);
            assertTrue(e.getMessage().contains("\"typed\"") && e.getMessage().contains("WRONGTYPE"), e.getMessage());
            assertEquals(1, writer.stats().refused());
        }
    }

    @Test
    void countsDataErrorsAndGoesOnWhenToldTo(RedisClusterFixture cluster) throws Exception {
        List<String> refusedKeys = new ArrayList<>();
        fixture = cluster;
        ClusterNode seed = cluster.masters().get(0);
        String password = cluster.aclPassword();
        RedisEndpoint endpoint = new RedisEndpoint(seed.host(), seed.port(), cluster.sslSocketFactory(), cluster.aclUser(),
                () -> password);
        WriteListener listener = new WriteListener() {
            @Override
            public synchronized void refused(Write write, String reply) {
                refusedKeys.add(new String(write.key(), StandardCharsets.UTF_8) + " " + reply.split(" ")[0]);
            }
        };
        try (ClusterWriter writer = ClusterWriter.open(endpoint, WriterOptions.defaults().withDataErrors(DataErrorPolicy.SKIP),
                listener)) {
            writer.submit(Write.of(utf8("a"), 0, List.of(utf8("SET"), utf8("a"), utf8("x"))));
            writer.submit(Write.of(utf8("a"), 1, List.of(utf8("SADD"), utf8("a"), utf8("y"))));
            writer.submit(Write.of(utf8("b"), 2, List.of(utf8("SET"), utf8("b"), utf8("z"))));
            writer.drain();
            assertEquals(2, writer.appliedOffset());
            assertEquals(2, writer.stats().acknowledged());
        }
        assertEquals(List.of("a WRONGTYPE"), refusedKeys);
    }

    @Test
    void writesTransactionsAtomicallyWithTheirTtl(RedisClusterFixture cluster) throws Exception {
        long at = System.currentTimeMillis() + 3_600_000;
        try (ClusterWriter writer = open(cluster, WriterOptions.defaults())) {
            byte[] key = utf8("tx");
            writer.submit(Write.atomic(key, 0, List.of(List.of(utf8("DEL"), key), List.of(utf8("HSET"), key, utf8("f"), utf8("v")),
                    List.of(utf8("PEXPIREAT"), key, utf8(Long.toString(at)))), 1));
            writer.drain();
        }
        try (JedisCluster jedis = cluster.jedisCluster()) {
            assertEquals("v", jedis.hget("tx", "f"));
            assertEquals(at, jedis.pexpireTime("tx"));
        }
    }

    @Test
    void writesToAStandaloneServer(StandaloneRedis redis) throws Exception {
        try (ClusterWriter writer = ClusterWriter.open(RedisEndpoint.plain(redis.host(), redis.port()), WriterOptions.defaults(),
                WriteListener.NONE)) {
            assertTrue(!writer.clusterMode());
            for (int i = 0; i < 10_000; i++) {
                writer.submit(Write.of(utf8("s:" + i), i, List.of(utf8("SET"), utf8("s:" + i), utf8("v"))));
            }
            writer.drain();
            assertEquals(9_999, writer.appliedOffset());
        }
        try (Jedis jedis = redis.jedis()) {
            assertEquals(10_000, jedis.dbSize());
        }
    }

    @Test
    void rateLimitHoldsWritesPerSecond(StandaloneRedis redis) throws Exception {
        try (ClusterWriter writer = ClusterWriter.open(RedisEndpoint.plain(redis.host(), redis.port()),
                WriterOptions.defaults().withRateLimit(2_000, 0), WriteListener.NONE)) {
            long start = System.nanoTime();
            for (int i = 0; i < 5_000; i++) { // 2,000 may go at once (one second's burst), 3,000 take 1.5 s
                writer.submit(Write.of(utf8("r:" + i), i, List.of(utf8("SET"), utf8("r:" + i), utf8("v"))));
            }
            writer.drain();
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(millis >= 1_400, "5,000 writes at 2,000/s took only " + millis + " ms");
        }
    }

    private static long totalKeys(RedisClusterFixture cluster) {
        long total = 0;
        for (ClusterNode m : cluster.masters()) {
            try (Jedis j = cluster.jedis(m)) {
                total += j.dbSize();
            }
        }
        return total;
    }

}
