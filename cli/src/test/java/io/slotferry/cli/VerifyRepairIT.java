package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.commands.JedisCommands;

/**
 * {@code migrate verify --repair} end to end: a standalone source and the TLS + ACL cluster written with
 * the same data (a faithful copy), then the target broken in each way verify reports; {@code --repair}
 * puts every key right, and the next verify finds nothing.
 */
@ExtendWith(RealServers.class)
class VerifyRepairIT {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int migrate(List<String> args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cl = Migrate.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args.toArray(String[]::new));
    }

    private List<String> verify(StandaloneRedis source, RedisClusterFixture cluster, String... more) throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), cluster.aclPassword() + "\n", StandardCharsets.UTF_8);
        ClusterNode seed = cluster.masters().get(0);
        List<String> args = new ArrayList<>(List.of("verify", "--mode", "full", "--report", dir.resolve("report.json").toString(),
                "--source", source.uri(), "--rechecks", "2", "--recheck-delay-ms", "200",
                "--target", "rediss://" + cluster.aclUser() + "@" + seed.host() + ":" + seed.port(),
                "--target-cacert", cluster.caCertFile().toString(), "--target-password-file", pw.toString()));
        args.addAll(List.of(more));
        return args;
    }

    /** The same keys on both sides: strings, a hash, a list, a set, keys with a TTL. */
    private static void copy(StandaloneRedis source, RedisClusterFixture cluster) {
        source.flushAll();
        cluster.flushAll();
        try (Jedis s = source.jedis(); JedisCluster t = cluster.jedisCluster()) {
            write(s);
            write(t);
        }
    }

    private static void write(JedisCommands c) {
        for (int i = 0; i < 30; i++) {
            c.set("str:" + i, "value-" + i);
            c.hset("hash:" + i, Map.of("f1", "a" + i, "f2", "b"));
            c.rpush("list:" + i, "x", "y" + i);
            c.sadd("set:" + i, "m1", "m" + i);
            c.setex("ttl:" + i, 7200, "expiring-" + i);
        }
    }

    private JsonNode report() throws Exception {
        return new ObjectMapper().readTree(dir.resolve("report.json").toFile());
    }

    @Test
    void repairFixesADeletedKeyAChangedValueARemovedTtlAWrongTypeAndAnExtraKeyAndTheNextVerifyIsClean(
            StandaloneRedis source, RedisClusterFixture cluster) throws Exception {
        copy(source, cluster);
        assertEquals(0, migrate(verify(source, cluster)), out + "\n" + err);
        try (JedisCluster t = cluster.jedisCluster()) {
            t.del("str:1");                          // missing
            t.hset("hash:2", "f1", "changed");       // value
            t.persist("ttl:3");                      // TTL removed
            t.del("list:4");
            t.set("list:4", "not a list");           // type
            t.set("extra:5", "only on the target");  // extra
        }
        assertEquals(1, migrate(verify(source, cluster)), out + "\n" + err);

        assertEquals(0, migrate(verify(source, cluster, "--repair")), out + "\n" + err);
        System.out.println("VerifyRepairIT, verify --repair:\n" + out);
        JsonNode totals = report().get("repair").get("totals");
        for (String kind : List.of("missing", "value", "ttl", "type", "extra")) {
            assertEquals(1, totals.get(kind).get("repaired").asInt(), kind + " in " + out);
        }
        assertTrue(report().get("repair").get("complete").asBoolean(), out.toString());
        assertTrue(out.toString().contains("result: every difference repaired"), out.toString());

        try (JedisCluster t = cluster.jedisCluster()) {
            assertEquals("value-1", t.get("str:1"));
            assertEquals("a2", t.hget("hash:2", "f1"));
            assertTrue(t.pttl("ttl:3") > 7_000_000, "ttl:3 has its TTL again: " + t.pttl("ttl:3"));
            assertEquals("list", t.type("list:4"));
            assertEquals(List.of("x", "y4"), t.lrange("list:4", 0, -1));
            assertFalse(t.exists("extra:5"));
        }
        assertEquals(0, migrate(verify(source, cluster)), "the next verify finds nothing:\n" + out + "\n" + err);
    }

    @Test
    void aKeyAboveTheSizeLimitAndABookkeepingKeyAreReportedNotRepairedAndTheExitCodeSaysSo(
            StandaloneRedis source, RedisClusterFixture cluster) throws Exception {
        copy(source, cluster);
        try (Jedis s = source.jedis(); JedisCluster t = cluster.jedisCluster()) {
            s.set("big:1", "b".repeat(200_000));
            t.set("{slotferry:emulation}:0", "left behind by a crash");
        }
        assertEquals(1, migrate(verify(source, cluster, "--repair", "--repair-max-bytes", "100000")), out + "\n" + err);
        JsonNode repair = report().get("repair");
        assertFalse(repair.get("complete").asBoolean());
        assertEquals(1, repair.get("totals").get("missing").get("too-big").asInt(), out.toString());
        assertEquals(1, repair.get("totals").get("extra").get("kept").asInt(), out.toString());
        try (JedisCluster t = cluster.jedisCluster()) {
            assertFalse(t.exists("big:1"));
            assertTrue(t.exists("{slotferry:emulation}:0"), "a slotferry key is never deleted");
        }
        assertTrue(out.toString().contains("result: NOT EVERYTHING REPAIRED"), out.toString());
    }

    @Test
    void aWipedTargetIsRepairedWholeAndTheNextVerifyIsClean(StandaloneRedis source, RedisClusterFixture cluster) throws Exception {
        source.flushAll();
        cluster.flushAll();
        try (Jedis s = source.jedis()) {
            redis.clients.jedis.Pipeline p = s.pipelined();
            for (int i = 0; i < 3_000; i++) {
                p.set("k:" + i, "value-" + i);
                if (i % 10 == 0) {
                    p.hset("h:" + i, Map.of("a", "1", "b", "2"));
                    p.pexpire("k:" + i, 3_600_000);
                }
            }
            p.sync();
        }
        long started = System.nanoTime();
        assertEquals(0, migrate(verify(source, cluster, "--repair", "--max-ops", "0")), out + "\n" + err);
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("VerifyRepairIT: 3,300 missing keys repaired in " + millis + " ms");
        assertEquals(3_300, report().get("repair").get("totals").get("missing").get("repaired").asInt(), out.toString());
        assertEquals(0, migrate(verify(source, cluster)), "the next verify finds nothing:\n" + out + "\n" + err);
    }

    /**
     * While a run holds the target's expiries {@code --ttl-grace} past the sources' (recorded in
     * {@code slotferry:ttl-grace}), verify takes the grace off before comparing, and a repair writes its TTL
     * held the same way, so {@code migrate finish} makes it exact like every other.
     */
    @Test
    void underTheRunsTtlGraceVerifyTakesItOffAndARepairHoldsTheTtlLikeTheRun(StandaloneRedis source, RedisClusterFixture cluster)
            throws Exception {
        copy(source, cluster);
        long grace = 3_600_000;
        try (JedisCluster t = cluster.jedisCluster()) {
            t.set("slotferry:ttl-grace", Long.toString(grace));
            for (int i = 0; i < 30; i++) {
                t.pexpire("ttl:" + i, t.pttl("ttl:" + i) + grace);
            }
            t.persist("ttl:3");
        }
        assertEquals(1, migrate(verify(source, cluster)), out + "\n" + err);
        assertEquals(1, report().get("totals").get("ttl").asInt(), out.toString());
        assertEquals(0, migrate(verify(source, cluster, "--repair")), out + "\n" + err);
        try (Jedis s = source.jedis(); JedisCluster t = cluster.jedisCluster()) {
            long held = t.pttl("ttl:3") - s.pttl("ttl:3");
            assertTrue(Math.abs(held - grace) < 2_000, "ttl:3 held " + held + " ms past the source's");
        }
        assertEquals(0, migrate(verify(source, cluster)), "the next verify finds nothing:\n" + out + "\n" + err);
    }
}
