package io.slotferry.replay;

import static io.slotferry.fixture.Bulk.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.routing.ClusterTopology;
import io.slotferry.routing.HashSlot;
import io.slotferry.routing.SlotTable;
import io.slotferry.translate.DbMapping;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPubSub;

/**
 * Each replay policy of docs/replay.md, driven by a live Debian redis-server source replicated by a real
 * worker into the TLS + ACL fixture cluster; cross-slot cases use keys that land on three different
 * primaries.
 */
@ExtendWith(RealServers.class)
class ReplayPolicyIT {
    private final StandaloneRedis source;
    private final RedisClusterFixture cluster;
    private final String[] onEachMaster;

    @TempDir
    Path state;

    ReplayPolicyIT(StandaloneRedis source, RedisClusterFixture cluster) throws Exception {
        this.source = source;
        this.cluster = cluster;
        this.onEachMaster = keysOnEachMaster(cluster, "k");
    }

    @BeforeEach
    void emptyBoth() {
        source.flushAll();
        try (Jedis j = source.jedis()) {
            j.configSet("repl-diskless-sync-delay", "0"); // a replica attaching need not wait 5 s (7.0 default)
        }
        cluster.flushAll();
    }

    @Test
    void routesSingleSlotCommandsByKey() throws Exception {
        try (LiveReplay replay = start(ReplayOptions.defaults()); Jedis src = source.jedis(); JedisCluster dst = cluster.jedisCluster()) {
            src.set("s:str", "v");
            src.incrBy("s:counter", 5);
            src.rpush("s:list", "a", "b", "c");
            src.hset("s:hash", Map.of("f", "v"));
            src.zadd("s:zset", 1.5, "m");
            src.sadd("s:set", "x", "y");
            replay.settle();
            assertEquals("v", dst.get("s:str"));
            assertEquals("5", dst.get("s:counter"));
            assertEquals(List.of("a", "b", "c"), dst.lrange("s:list", 0, -1));
            assertEquals("v", dst.hget("s:hash", "f"));
            assertEquals(1.5, dst.zscore("s:zset", "m"));
            assertEquals(Set.of("x", "y"), dst.smembers("s:set"));
        }
    }

    @Test
    void splitsMsetAndDelAcrossThreeMasters() throws Exception {
        String a = onEachMaster[0];
        String b = onEachMaster[1];
        String c = onEachMaster[2];
        try (LiveReplay replay = start(ReplayOptions.defaults()); Jedis src = source.jedis(); JedisCluster dst = cluster.jedisCluster()) {
            src.mset(a, "1", b, "2", c, "3");
            src.msetnx(a + "nx", "4", b + "nx", "5");
            replay.settle();
            assertEquals(List.of("1", "2", "3", "4", "5"), List.of(dst.get(a), dst.get(b), dst.get(c), dst.get(a + "nx"), dst.get(b + "nx")));
            src.del(a, c, "missing");
            src.unlink(b);
            replay.settle();
            assertNull(dst.get(a));
            assertNull(dst.get(b));
            assertNull(dst.get(c));
            assertTrue(replay.stats().get("split") >= 3, replay.stats().snapshot().toString());
        }
    }

    @Test
    void emulatesRenameAcrossMastersKeepingTheTtl() throws Exception {
        String from = onEachMaster[0];
        String to = onEachMaster[1];
        long at = System.currentTimeMillis() + 3_600_000;
        try (LiveReplay replay = start(ReplayOptions.defaults()); Jedis src = source.jedis(); JedisCluster dst = cluster.jedisCluster()) {
            src.rpush(from, "x", "y");
            src.pexpireAt(from, at);
            src.rename(from, to);
            replay.settle();
            assertFalse(dst.exists(from));
            assertEquals(List.of("x", "y"), dst.lrange(to, 0, -1));
            assertEquals(at, dst.pexpireTime(to));
            assertEquals(1, replay.stats().get("emulated"));
            assertNoScratchKeys(dst);
        }
    }

    @Test
    void emulatesCombinedCommandsAcrossMasters() throws Exception {
        String a = onEachMaster[0];
        String b = onEachMaster[1];
        String c = onEachMaster[2];
        try (LiveReplay replay = start(ReplayOptions.defaults()); Jedis src = source.jedis(); JedisCluster dst = cluster.jedisCluster()) {
            src.sadd(a + "s", "1", "2");
            src.sadd(b + "s", "2", "3");
            src.sunionstore(c + "s", a + "s", b + "s");
            src.smove(a + "s", b + "s", "1");
            src.rpush(a + "l", "p", "q");
            src.rpoplpush(a + "l", b + "l");
            src.sendCommand(() -> "LMOVE".getBytes(StandardCharsets.US_ASCII), a + "l", c + "l", "LEFT", "RIGHT");
            src.zadd(a + "z", 1, "m");
            src.zadd(b + "z", 2, "m");
            src.zunionstore(c + "z", a + "z", b + "z");
            src.set(a + "bits", "a");
            src.set(b + "bits", "b");
            src.sendCommand(() -> "BITOP".getBytes(StandardCharsets.US_ASCII), "OR", c + "bits", a + "bits", b + "bits");
            src.pfadd(a + "hll", "x");
            src.pfadd(b + "hll", "y");
            src.pfmerge(c + "hll", a + "hll", b + "hll");
            src.copy(b + "s", a + "copy", false);
            replay.settle();
            assertEquals(src.smembers(c + "s"), dst.smembers(c + "s"));
            assertEquals(src.smembers(a + "s"), dst.smembers(a + "s"));
            assertEquals(src.smembers(b + "s"), dst.smembers(b + "s"));
            assertEquals(src.lrange(b + "l", 0, -1), dst.lrange(b + "l", 0, -1));
            assertEquals(src.lrange(c + "l", 0, -1), dst.lrange(c + "l", 0, -1));
            assertFalse(dst.exists(a + "l"));
            assertEquals(3.0, dst.zscore(c + "z", "m"));
            assertEquals(src.get(c + "bits"), dst.get(c + "bits"));
            assertEquals(2, dst.pfcount(c + "hll"));
            assertEquals(src.smembers(a + "copy"), dst.smembers(a + "copy"));
            assertNoScratchKeys(dst);
        }
    }

    @Test
    void appliesMultiExecAtomicallyPerSlot() throws Exception {
        String a = onEachMaster[0];
        String b = onEachMaster[1];
        try (LiveReplay replay = start(ReplayOptions.defaults()); Jedis src = source.jedis(); JedisCluster dst = cluster.jedisCluster()) {
            var tx = src.multi();
            tx.set(a, "1");
            tx.incr(b);
            tx.set(a, "2");
            tx.exec();
            replay.settle();
            assertEquals("2", dst.get(a));
            assertEquals("1", dst.get(b), () -> "stats " + replay.stats().snapshot() + " failures " + replay.recentFailures());
            assertEquals(1, replay.stats().get("transaction"));
        }
    }

    @Test
    void replaysScriptEffectsAndSendsFunctionsToEveryPrimary() throws Exception {
        String a = onEachMaster[0];
        String b = onEachMaster[1];
        String lib = "#!lua name=policylib\nredis.register_function('pset', function(keys, args) return redis.call('SET', keys[1], args[1]) end)";
        try (LiveReplay replay = start(ReplayOptions.defaults()); Jedis src = source.jedis(); JedisCluster dst = cluster.jedisCluster()) {
            // 7.0 replicates a script's effects (MULTI ... EXEC), so keys in two slots are fine
            src.eval("redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCR', KEYS[2])", 2, a, b, "v");
            src.functionLoadReplace(lib);
            src.fcall("pset", List.of(onEachMaster[2]), List.of("f"));
            replay.settle();
            assertEquals("v", dst.get(a));
            assertEquals("1", dst.get(b));
            assertEquals("f", dst.get(onEachMaster[2]));
            for (ClusterNode master : cluster.masters()) {
                try (Jedis j = cluster.jedis(master)) {
                    assertEquals("policylib", j.functionList().get(0).getLibraryName(), "on " + master);
                    j.functionDelete("policylib");
                }
            }
        }
    }

    @Test
    void mapsDatabasesWithPrefixIncludingMoveAndSwapdb() throws Exception {
        String a = onEachMaster[0];
        try (LiveReplay replay = start(ReplayOptions.defaults().withDbMapping(DbMapping.parse("prefix")));
             Jedis src = source.jedis(); JedisCluster dst = cluster.jedisCluster()) {
            src.set("zero", "0");
            src.select(2);
            src.set("{t}x", "2x");
            src.set("{t}y", "2y");
            src.set(a, "moving");
            src.move(a, 4);
            src.select(5);
            src.set("five", "5");
            src.swapDB(4, 5);
            src.select(0);
            replay.settle();
            assertEquals("0", dst.get("zero"));
            assertEquals("2x", dst.get("2:{t}x"));
            assertEquals(HashSlot.of(utf8("{t}x")), HashSlot.of(utf8("2:{t}y")), "hash tags keep working under the prefix");
            assertFalse(dst.exists("2:" + a));
            assertEquals("moving", dst.get("5:" + a), "MOVE to 4, then SWAPDB 4 5");
            assertEquals("5", dst.get("4:five"));
            assertFalse(dst.exists("4:" + a));
        }
    }

    @Test
    void skipsAndCountsOtherDatabasesUnderOnlyZero() throws Exception {
        try (LiveReplay replay = start(ReplayOptions.defaults()); Jedis src = source.jedis(); JedisCluster dst = cluster.jedisCluster()) {
            src.select(3);
            src.set("elsewhere", "x");
            src.select(0);
            src.set("here", "y");
            replay.settle();
            assertEquals("y", dst.get("here"));
            assertFalse(dst.exists("elsewhere"));
            assertEquals(1, replay.stats().get("skipped:other-db"));
        }
    }

    @Test
    void stopsOnSwapdbUnderOnlyZero() throws Exception {
        try (LiveReplay replay = start(ReplayOptions.defaults()); Jedis src = source.jedis()) {
            src.swapDB(0, 1);
            Throwable failure = replay.failure();
            assertInstanceOf(ReplayException.class, failure);
            assertTrue(failure.getMessage().startsWith("SWAPDB at source offset "), failure.getMessage());
        }
    }

    @Test
    void stopsOnFlushdbByDefault() throws Exception {
        try (LiveReplay replay = start(ReplayOptions.defaults()); Jedis src = source.jedis()) {
            src.flushDB();
            Throwable failure = replay.failure();
            assertInstanceOf(ReplayException.class, failure);
            assertTrue(failure.getMessage().contains("--flush=delete-own-keys"), failure.getMessage());
        }
    }

    @Test
    void flushDeletesOnlyTheKeysThisSourceOwns() throws Exception {
        String a = onEachMaster[0];
        String b = onEachMaster[1];
        // keys of "another source" are those starting with "other:"; they are written straight into the cluster
        KeyOwnership mine = key -> !new String(key, StandardCharsets.ISO_8859_1).startsWith("other:");
        ReplayOptions options = ReplayOptions.defaults().withDbMapping(DbMapping.parse("prefix"))
                .withFlush(FlushPolicy.DELETE_OWN_KEYS).withOwnership(mine);
        try (LiveReplay replay = start(options); Jedis src = source.jedis(); JedisCluster dst = cluster.jedisCluster()) {
            dst.set("other:" + a, "theirs");
            src.set(a, "db0");
            src.select(3);
            src.set(b, "db3");
            src.set("kept-after", "x");
            src.select(3);
            src.flushDB();
            src.set("after", "x");
            src.select(0);
            replay.settle();
            assertEquals("db0", dst.get(a), "FLUSHDB of db 3 keeps db 0");
            assertFalse(dst.exists("3:" + b));
            assertFalse(dst.exists("3:kept-after"));
            assertEquals("x", dst.get("3:after"), "writes after the flush apply");
            src.flushAll();
            replay.settle();
            assertFalse(dst.exists(a));
            assertFalse(dst.exists("3:after"));
            assertEquals("theirs", dst.get("other:" + a), "another source's key survives FLUSHALL");
        }
    }

    @Test
    void ignoresFlushWhenAsked() throws Exception {
        try (LiveReplay replay = start(ReplayOptions.defaults().withFlush(FlushPolicy.IGNORE)); Jedis src = source.jedis();
             JedisCluster dst = cluster.jedisCluster()) {
            src.set("stays", "1");
            src.flushAll();
            src.set("new", "2");
            replay.settle();
            assertEquals("1", dst.get("stays"));
            assertEquals("2", dst.get("new"));
            assertEquals(1, replay.stats().get("skipped:flush-ignored"));
        }
    }

    @Test
    void dropsPublishWithACounterAndForwardsItWhenAsked() throws Exception {
        try (LiveReplay replay = start(ReplayOptions.defaults()); Jedis src = source.jedis()) {
            src.publish("news", "dropped");
            replay.settle();
            assertEquals(1, replay.stats().get("skipped:publish"));
        }
        List<String> received = new CopyOnWriteArrayList<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                received.add(message);
            }
        };
        Thread subscriber;
        try (Jedis sub = cluster.jedis(cluster.masters().get(2))) {
            subscriber = new Thread(() -> sub.subscribe(listener, "news"));
            subscriber.start();
            while (listener.getSubscribedChannels() == 0) {
                Thread.sleep(10);
            }
            try (LiveReplay replay = LiveReplay.start(source, cluster, ReplayOptions.defaults().withForwardPublish(true), state, true);
                 Jedis src = source.jedis()) {
                src.publish("news", "forwarded");
                replay.settle();
                long deadline = System.currentTimeMillis() + 5000;
                while (received.isEmpty() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(List.of("forwarded"), received);
            } finally {
                listener.unsubscribe();
                subscriber.join(5000);
            }
        }
    }

    @Test
    void appliesExpiryDeletionsAndKeepsTtlsAbsolute() throws Exception {
        try (LiveReplay replay = start(ReplayOptions.defaults()); Jedis src = source.jedis(); JedisCluster dst = cluster.jedisCluster()) {
            src.psetex("short", 50, "v");
            src.setex("long", 3600, "v");
            long deadline = System.currentTimeMillis() + 5000;
            while (src.exists("short") && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            replay.settle();
            assertFalse(dst.exists("short"), "the source's expiry DEL was applied");
            assertEquals(src.pexpireTime("long"), dst.pexpireTime("long"), "the same absolute expiry");
        }
    }

    @Test
    void stopsOnACommandTheTableDoesNotKnow() throws Exception {
        try (TargetConnections t = TargetConnections.of(cluster)) {
            StreamReplayer replayer = t.replayer(ReplayOptions.defaults());
            ReplayException e = org.junit.jupiter.api.Assertions.assertThrows(ReplayException.class, () -> replayer.apply(
                    new io.slotferry.replication.ReplicationEvent.Command(0, List.of(utf8("NOSUCHCOMMAND"), utf8("k")), 100, 120,
                            System.currentTimeMillis())));
            assertTrue(e.getMessage().startsWith("NOSUCHCOMMAND at source offset 100: not in the command table"), e.getMessage());
        }
    }

    @Test
    void stopsOnAScriptWhoseKeysSpanSlots() throws Exception {
        try (TargetConnections t = TargetConnections.of(cluster)) {
            StreamReplayer replayer = t.replayer(ReplayOptions.defaults());
            ReplayException e = org.junit.jupiter.api.Assertions.assertThrows(ReplayException.class, () -> replayer.apply(
                    new io.slotferry.replication.ReplicationEvent.Command(0, List.of(utf8("EVAL"), utf8("return 1"), utf8("2"),
                            utf8(onEachMaster[0]), utf8(onEachMaster[1])), 7, 9, System.currentTimeMillis())));
            assertTrue(e.getMessage().contains("span several slots"), e.getMessage());
        }
    }

    private LiveReplay start(ReplayOptions options) throws Exception {
        return LiveReplay.start(source, cluster, options, state, false);
    }

    private static void assertNoScratchKeys(JedisCluster dst) {
        for (int i = 0; i < 8; i++) {
            assertFalse(dst.exists("{slotferry:emulation}:" + i), "scratch key " + i + " left behind");
        }
    }

    /** One key name per primary (in primary order), for cross-slot tests that must really cross nodes. */
    static String[] keysOnEachMaster(RedisClusterFixture cluster, String prefix) throws Exception {
        ClusterNode seed = cluster.masters().get(0);
        SlotTable table;
        try (RedisConnection c = RedisConnection.open(new RedisEndpoint(seed.host(), seed.port(), cluster.sslSocketFactory(),
                null, cluster::password), Duration.ofSeconds(5))) {
            table = ClusterTopology.discover(c);
        }
        String[] out = new String[table.primaries().size()];
        int found = 0;
        for (int i = 0; found < out.length; i++) {
            String key = prefix + i;
            int owner = table.primaryIndexOf(HashSlot.of(utf8(key)));
            if (out[owner] == null) {
                out[owner] = key;
                found++;
            }
        }
        return out;
    }

}
