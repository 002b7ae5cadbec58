package io.slotferry.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.slotferry.fixture.Await;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.FreePort;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.ServerProcess;
import io.slotferry.load.LoadOptions;
import io.slotferry.replay.ReplayOptions;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.source.Fleet;
import io.slotferry.source.SourceSpec;
import io.slotferry.verify.DiffKind;
import io.slotferry.verify.RepairOptions;
import io.slotferry.verify.RepairOutcome;
import io.slotferry.verify.Verifier;
import io.slotferry.verify.VerifyOptions;
import io.slotferry.verify.VerifyReport;
import io.slotferry.write.WriterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * INCRBYFLOAT on a live pre-6.0 master, migrated from its replica (what {@code --sync-from replica} does):
 * the replica itself loses the key's TTL, the target must not. Runs against every Redis 4.0 / 5.0 build
 * in {@code SLOTFERRY_REDIS_BUILDS} (colon-separated directories holding {@code redis-server}); prints
 * what it skipped when there is none (CI has Debian's 7.0 only).
 */
@ExtendWith(RealServers.class)
class LostTtlLiveIT {
    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> incrByFloatOnALiveOldMasterKeepsItsTtlOnTheTargetWhileTheReplicaLosesIt(RedisClusterFixture cluster)
            throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        String builds = System.getenv().getOrDefault("SLOTFERRY_REDIS_BUILDS", "");
        for (String d : builds.split(":")) {
            Path binary = Path.of(d.isEmpty() ? "." : d, "redis-server");
            if (d.isEmpty() || !Files.isExecutable(binary)) {
                continue;
            }
            String version = version(binary);
            if (version.startsWith("4.") || version.startsWith("5.")) {
                tests.add(dynamicTest("redis " + version, () -> migrate(binary, cluster)));
            }
        }
        if (tests.isEmpty()) {
            System.out.println("LostTtlLiveIT: skipped, SLOTFERRY_REDIS_BUILDS (" + builds + ") has no redis-server 4.0 or 5.0");
        }
        return tests.stream();
    }

    private static String version(Path binary) throws Exception {
        Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        int v = text.indexOf("v=");
        return v < 0 ? "?" : text.substring(v + 2, text.indexOf(' ', v));
    }

    private ServerProcess server(Path binary, int port, String... more) throws Exception {
        Path work = Files.createDirectories(dir.resolve("redis-" + port));
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", work.toString(), "--daemonize", "no"));
        command.addAll(List.of(more));
        ServerProcess p = ServerProcess.start("redis-server " + port, command, work, work.resolve("log"), Map.of());
        Await.until("redis " + port + " answers", Duration.ofSeconds(10), () -> {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                return "PONG".equals(j.ping());
            } catch (RuntimeException e) {
                return false;
            }
        });
        return p;
    }

    private void migrate(Path binary, RedisClusterFixture cluster) throws Exception {
        cluster.flushAll();
        int masterPort = FreePort.pick();
        int replicaPort = FreePort.pick();
        try (ServerProcess master = server(binary, masterPort);
                ServerProcess replica = server(binary, replicaPort, "--slaveof", "127.0.0.1", Integer.toString(masterPort));
                Jedis m = new Jedis("127.0.0.1", masterPort);
                Jedis r = new Jedis("127.0.0.1", replicaPort)) {
            Await.until("the replica is in sync", Duration.ofSeconds(20), () -> r.info("replication").contains("master_link_status:up"));
            m.set("fk", "1");
            m.expire("fk", 1000);
            ClusterNode seed = cluster.masters().get(0);
            String password = cluster.aclPassword();
            Target target = Target.probe(new RedisEndpoint(seed.host(), seed.port(), cluster.sslSocketFactory(), cluster.aclUser(),
                    () -> password), WriterOptions.defaults());
            List<Finding> plan = Preflight.check(new Fleet(List.of(new SourceSpec.Live("old", RedisEndpoint.plain("127.0.0.1",
                    replicaPort))), List.of()), target.endpoint(), Duration.ofSeconds(5), false, 1 << 20);
            assertTrue(plan.stream().anyMatch(f -> f.level() == Finding.Level.WARN && f.what().contains("INCRBYFLOAT")),
                    "migrate plan names the risk: " + plan);
            Worker worker = new Worker(new SourceSpec.Live("old", RedisEndpoint.plain("127.0.0.1", replicaPort)), target,
                    LoadOptions.defaults(), ReplayOptions.defaults(), Files.createDirectories(dir.resolve("state-" + replicaPort)));
            RunningWorker run = RunningWorker.start(worker);
            try (JedisCluster t = cluster.jedisCluster()) {
                Await.until("streaming", Duration.ofSeconds(60), () -> worker.phase() == Worker.Phase.STREAMING);
                m.incrByFloat("fk", 1.5);
                // one command on the target (SET fk 2.5 PXAT ...): once the value is there, so is the TTL
                Await.until("fk = 2.5 on the target", Duration.ofSeconds(30), () -> "2.5".equals(t.get("fk")));
                long masterTtl = m.pttl("fk");
                long replicaTtl = r.pttl("fk");
                long targetTtl = t.pttl("fk");
                System.out.println("LostTtlLiveIT " + binary + ": master PTTL " + masterTtl + ", replica PTTL " + replicaTtl
                        + ", target PTTL " + targetTtl);
                assertEquals(-1, replicaTtl, "the replica of an old master loses the TTL (the bug this run works around)");
                assertTrue(Math.abs(targetTtl - masterTtl) < 2_000, "target " + targetTtl + " ms, master " + masterTtl + " ms");

                // verify reads the replica (--sync-from replica): its missing TTL shows as a difference; --repair reads
                // the master, finds the target equal to it and leaves the TTL (copying the replica would drop it)
                VerifyReport report = Verifier.run(List.of(new SourceSpec.Live("old", RedisEndpoint.plain("127.0.0.1", replicaPort))),
                        target.endpoint(), VerifyOptions.defaults().withRechecks(2, Duration.ofMillis(100)).withRepair(RepairOptions.defaults()));
                assertEquals(1, report.total(DiffKind.TTL), report.toString());
                assertEquals(1, report.repair().count(DiffKind.TTL, RepairOutcome.SETTLED), report.repair().toString());
                assertTrue(report.succeeded(), report.toString());
                assertTrue(Math.abs(t.pttl("fk") - m.pttl("fk")) < 2_000, "the repair kept the master's TTL: " + t.pttl("fk"));
            } finally {
                run.stopAndJoin();
            }
        }
    }
}
