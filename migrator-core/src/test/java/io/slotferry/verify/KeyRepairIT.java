package io.slotferry.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.slotferry.fixture.Await;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.FreePort;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.ServerProcess;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * A repair racing the migration's own writes: the source is read, then the replicated write of a newer
 * value reaches both sides before the repair writes. The repair must leave the newer value, not the one
 * it read (real standalone source, real TLS + ACL cluster; the newer write is made by the test between
 * the repair's DUMP and its RESTORE, through a pass-through of the source connection).
 */
@ExtendWith(RealServers.class)
class KeyRepairIT {
    private static final byte[] KEY = "hot:1".getBytes(StandardCharsets.US_ASCII);

    private static RedisEndpoint target(RedisClusterFixture cluster) {
        ClusterNode seed = cluster.masters().get(0);
        String password = cluster.aclPassword();
        return new RedisEndpoint(seed.host(), seed.port(), cluster.sslSocketFactory(), cluster.aclUser(), () -> password);
    }

    private static RepairReport repair(int sourcePort, RedisClusterFixture cluster, DiffKind kind, Runnable afterDump) throws Exception {
        VerifyOptions options = VerifyOptions.defaults().withRechecks(2, Duration.ofMillis(100)).withRepair(RepairOptions.defaults());
        Findings findings = new Findings(5);
        KeyRepair repair = new KeyRepair(options, new ValueCompare(options.chunk(), options.ttlToleranceMs(), options.ttlGraceMs()), findings);
        try (RedisConnection c = RedisConnection.open(RedisEndpoint.plain("127.0.0.1", sourcePort), Duration.ofSeconds(5));
                TargetReads t = TargetReads.open(target(cluster), Duration.ofSeconds(5))) {
            boolean[] fired = {false};
            KeyReads sourceReads = argv -> {
                RespValue r = c.call(argv);
                if (!fired[0] && new String(argv.get(0), StandardCharsets.US_ASCII).equalsIgnoreCase("DUMP")) {
                    fired[0] = true;
                    afterDump.run();
                }
                return r;
            };
            repair.sourceKey(new Difference(kind, "source", 0, KEY, KEY, "differs"), new Side(sourceReads, KEY),
                    new Side(t.of(KEY), KEY));
        }
        return findings.repairReport();
    }

    @Test
    void aKeyWrittenOnBothSidesBetweenTheSourceReadAndTheRepairKeepsTheNewerValueAndIsReportedBusy(
            StandaloneRedis source, RedisClusterFixture cluster) throws Exception {
        source.flushAll();
        cluster.flushAll();
        try (Jedis s = source.jedis(); JedisCluster t = cluster.jedisCluster()) {
            s.set("hot:1", "v2");
            t.set("hot:1", "v1"); // the copy is behind
            RepairReport report = repair(source.port(), cluster, DiffKind.VALUE, () -> {
                s.set("hot:1", "v3"); // the source moves on after the repair read it ...
                t.set("hot:1", "v3"); // ... and the stream delivers it before the repair writes
            });
            assertEquals(1, report.count(DiffKind.VALUE, RepairOutcome.BUSY), report.toString());
            assertEquals("v3", t.get("hot:1"), "the repair must not write back the older value it read");
        }
    }

    @Test
    void aKeyNobodyWritesMeanwhileIsRepaired(StandaloneRedis source, RedisClusterFixture cluster) throws Exception {
        source.flushAll();
        cluster.flushAll();
        try (Jedis s = source.jedis(); JedisCluster t = cluster.jedisCluster()) {
            s.set("hot:1", "v2");
            s.pexpire("hot:1", 600_000);
            t.set("hot:1", "v1");
            RepairReport report = repair(source.port(), cluster, DiffKind.VALUE, () -> { });
            assertEquals(1, report.count(DiffKind.VALUE, RepairOutcome.REPAIRED), report.toString());
            assertEquals("v2", t.get("hot:1"));
            long ttl = t.pttl("hot:1");
            assertEquals(true, ttl > 590_000 && ttl <= 600_000, "the source's TTL, absolute: " + ttl);
        }
    }

    /**
     * A set of a 7.2+ source is a listpack (RDB type 20), which a 7.0 target cannot RESTORE: the repair
     * takes the loader's rewrite path (SADD in a WATCHed transaction). Needs a 7.2+ redis-server in
     * {@code SLOTFERRY_REDIS_BUILDS}; skipped with a message otherwise.
     */
    @Test
    void aValueTheTargetCannotRestoreIsRewrittenAsCommands(RedisClusterFixture cluster) throws Exception {
        Path binary = null;
        for (String d : System.getenv().getOrDefault("SLOTFERRY_REDIS_BUILDS", "").split(":")) {
            if (d.matches(".*(redis-7\\.[2-9]|redis-[89]|valkey-).*") && Files.isExecutable(Path.of(d, "redis-server"))) {
                binary = Path.of(d, "redis-server");
                break;
            }
        }
        if (binary == null) {
            System.out.println("KeyRepairIT: rewrite path skipped, SLOTFERRY_REDIS_BUILDS has no redis-server 7.2+");
            assumeTrue(false, "no redis-server 7.2+ in SLOTFERRY_REDIS_BUILDS");
        }
        cluster.flushAll();
        int port = FreePort.pick();
        Path work = Files.createTempDirectory("slotferry-repair-");
        try (ServerProcess server = ServerProcess.start("redis-server " + port,
                List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--dir",
                        work.toString()), work, work.resolve("log"), Map.of())) {
            Await.until("the source answers", Duration.ofSeconds(10), () -> {
                try (Jedis j = new Jedis("127.0.0.1", port)) {
                    return "PONG".equals(j.ping());
                } catch (RuntimeException e) {
                    return false;
                }
            });
            try (Jedis s = new Jedis("127.0.0.1", port); JedisCluster t = cluster.jedisCluster()) {
                s.sadd("hot:1", "alpha", "beta", "gamma");
                s.pexpire("hot:1", 600_000);
                byte[] dump = s.dump("hot:1");
                System.out.println("KeyRepairIT: source " + binary + " dumps RDB type " + (dump[0] & 0xff)
                        + " (RDB version " + (dump[dump.length - 10] & 0xff) + ")");
                RepairReport report = repair(port, cluster, DiffKind.MISSING, () -> { });
                assertEquals(1, report.count(DiffKind.MISSING, RepairOutcome.REPAIRED), report.toString());
                assertEquals(true, report.examples().get(0).detail().startsWith("rewritten as commands"), report.toString());
                assertEquals(Set.of("alpha", "beta", "gamma"), t.smembers("hot:1"));
                long ttl = t.pttl("hot:1");
                assertEquals(true, ttl > 590_000 && ttl <= 600_000, "the source's TTL: " + ttl);
            }
        }
    }
}
