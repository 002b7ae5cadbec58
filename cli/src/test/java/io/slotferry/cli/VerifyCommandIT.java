package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.fixture.TwemproxyFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import io.slotferry.load.LoadOptions;
import io.slotferry.migration.Target;
import io.slotferry.migration.Worker;
import io.slotferry.replay.ReplayOptions;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.TlsTrust;
import io.slotferry.source.SourceSpec;
import io.slotferry.write.WriterOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

/**
 * {@code migrate verify} end to end: data written through twemproxy (a stream straight to a backend:
 * nutcracker does not proxy stream commands), copied to the TLS + ACL cluster with {@code migrate run}
 * from each backend's RDB in one process, then verified against the three backends.
 */
@ExtendWith(RealServers.class)
class VerifyCommandIT {
    @TempDir
    Path dir;

    private final InProcessMigrate cli = new InProcessMigrate();

    private int migrate(String... args) {
        return cli.run(args);
    }

    private List<String> target(RedisClusterFixture cluster) throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), cluster.aclPassword() + "\n", StandardCharsets.UTF_8);
        ClusterNode seed = cluster.masters().get(0);
        return List.of("--target", "rediss://" + cluster.aclUser() + "@" + seed.host() + ":" + seed.port(),
                "--target-cacert", cluster.caCertFile().toString(), "--target-password-file", pw.toString());
    }

    /**
     * Writes the data set, copies it with {@code migrate run --source twemproxy:...} (a process of its
     * own, until ready for cutover, then SIGTERM), and returns the verify command line for the pool.
     */
    private List<String> migrated(TwemproxyFixture twemproxy, RedisClusterFixture cluster, String mode) throws Exception {
        write(twemproxy);
        Path status = dir.resolve("status.json");
        List<String> run = new ArrayList<>(List.of("run", "--state-dir", dir.resolve("state").toString(),
                "--status-file", status.toString(), "--source", "twemproxy:" + twemproxy.configFile()));
        run.addAll(target(cluster));
        try (MigrateProcess p = MigrateProcess.start(dir.resolve("run.log"), Map.of(), run.toArray(String[]::new))) {
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            io.slotferry.fixture.Await.until("ready for cutover", java.time.Duration.ofSeconds(90), () -> {
                try {
                    return p.alive() && Files.exists(status) && json.readTree(status.toFile()).get("ready_for_cutover").asBoolean();
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            });
            assertEquals(0, p.terminate(10), p.output());
        }
        return verifyArgs(twemproxy, cluster, mode);
    }

    private List<String> verifyArgs(TwemproxyFixture twemproxy, RedisClusterFixture cluster, String mode) throws Exception {
        List<String> verify = new ArrayList<>(List.of("verify", "--mode", mode, "--report", dir.resolve("report.json").toString()));
        verify.addAll(target(cluster));
        verify.addAll(List.of("--source", "twemproxy:" + twemproxy.configFile()));
        return verify;
    }

    /** 505 keys: through the proxy, and a stream with a group and pending entries on backend 0. */
    private static void write(TwemproxyFixture twemproxy) {
        try (Jedis proxy = twemproxy.jedis()) {
            Pipeline p = proxy.pipelined();
            for (int i = 0; i < 300; i++) {
                p.set("str:" + i, "value-" + i);
            }
            for (int i = 0; i < 40; i++) {
                p.hset("hash:" + i, Map.of("f1", "a" + i, "f2", "b" + i, "f3", "c"));
                p.rpush("list:" + i, "x" + i, "y" + i, "z" + i);
                p.sadd("set:" + i, "m1", "m2", "m" + i);
                p.zadd("zset:" + i, Map.of("m1", 1.0, "m2", 2.5, "m3", (double) i));
                p.setex("ttl:" + i, 7200, "expiring-" + i);
            }
            for (int i = 0; i < 2500; i++) { // bigger than one window: compared in chunks
                p.hset("bighash", "field" + i, "v" + i);
                p.rpush("biglist", "e" + i);
                p.zadd("bigzset", i, "member" + i);
            }
            p.set("bin:\u00ff\u0001".getBytes(StandardCharsets.ISO_8859_1), new byte[] {0, (byte) 0xfe, 10});
            p.sync();
        }
        try (Jedis backend = twemproxy.backends().get(0).jedis()) {
            for (int i = 0; i < 10; i++) {
                backend.xadd("stream:1", StreamEntryID.NEW_ENTRY, Map.of("n", Integer.toString(i)));
            }
            backend.xgroupCreate("stream:1", "g1", new StreamEntryID(), false);
            backend.xreadGroup("g1", "c1", XReadGroupParams.xReadGroupParams().count(3),
                    Map.of("stream:1", StreamEntryID.UNRECEIVED_ENTRY));
        }
    }

    private JsonNode report() throws Exception {
        return new ObjectMapper().readTree(dir.resolve("report.json").toFile());
    }

    @Test
    void aFaithfulCopyVerifiesCleanInFullMode(TwemproxyFixture twemproxy, RedisClusterFixture cluster) throws Exception {
        List<String> verify = migrated(twemproxy, cluster, "full");
        int code = migrate(verify.toArray(String[]::new));
        assertEquals(0, code, cli.said());
        JsonNode r = report();
        assertTrue(r.get("clean").asBoolean(), r.toString());
        // the run's own keys (its TTL grace, marks) are left out of the comparison but reported, until migrate finish
        assertTrue(r.get("tool_keys").asLong() > 0 && cli.out().contains("tool keys: the target holds"), cli.out());
        long expected = 0;
        for (JsonNode i : r.get("instances")) {
            expected += i.get("expected").asLong();
            assertEquals(i.get("expected").asLong(), i.get("found").asLong(), r.toString());
        }
        assertEquals(300 + 5 * 40 + 3 + 1 + 1, expected, r.toString());
        assertEquals(expected, r.get("target_keys").asLong(), r.toString());
        assertTrue(cli.out().contains("result: nothing differs"), cli.out());
        assertTrue(!cli.err().contains(cluster.aclPassword()), "the password is never printed");
    }

    @Test
    void reportsEachInjectedFaultWithItsKeyAndKind(TwemproxyFixture twemproxy, RedisClusterFixture cluster) throws Exception {
        List<String> verify = migrated(twemproxy, cluster, "full");
        try (JedisCluster t = cluster.jedisCluster()) {
            t.del("str:7");                                  // missing
            t.hset("hash:3", "f2", "changed");               // value
            t.lset("list:4", 0, "y4");                       // value: x4 y4 z4 -> y4 x4 z4
            t.lset("list:4", 1, "x4");
            t.zadd("zset:5", 99.0, "m2");                    // value: a score
            t.hset("bighash", "field2345", "changed");       // value, found in a later HSCAN window
            t.xack("stream:1", "g1", t.xrange("stream:1", (StreamEntryID) null, (StreamEntryID) null, 1).get(0).getID());
            t.persist("ttl:1");                              // ttl removed
            t.pexpire("ttl:2", t.pttl("ttl:2") - 3_600_000L); // ttl an hour shorter
            t.set("extra:only-here", "x");                   // extra
        }
        int code = migrate(verify.toArray(String[]::new));
        assertEquals(1, code, cli.said());
        JsonNode r = report();
        JsonNode totals = r.get("totals");
        assertEquals(1, totals.get("missing").asInt(), r.toString());
        assertEquals(5, totals.get("value").asInt(), r.toString());
        assertEquals(2, totals.get("ttl").asInt(), r.toString());
        assertEquals(1, totals.get("extra").asInt(), r.toString());
        assertEquals(0, totals.get("type").asInt(), r.toString());
        assertReported(r, "missing", "\"str:7\"", "not on the target");
        assertReported(r, "value", "\"hash:3\"", "field \"f2\"");
        assertReported(r, "value", "\"list:4\"", "element 0");
        assertReported(r, "value", "\"zset:5\"", "member \"m2\"");
        assertReported(r, "value", "\"bighash\"", "field \"field2345\"");
        assertReported(r, "value", "\"stream:1\"", "group g1");
        assertReported(r, "ttl", "\"ttl:1\"", "target has no TTL");
        assertReported(r, "ttl", "\"ttl:2\"", "ms apart");
        assertReported(r, "extra", "\"extra:only-here\"", "only on the target");
        assertTrue(cli.out().contains("result: DIFFERENCES FOUND") && cli.out().contains("\"str:7\""), cli.out());
    }

    @Test
    void countsModeFindsTheCopyCompleteAndThenAKeyShort(TwemproxyFixture twemproxy, RedisClusterFixture cluster) throws Exception {
        List<String> verify = migrated(twemproxy, cluster, "counts");
        int code = migrate(verify.toArray(String[]::new));
        assertEquals(0, code, cli.said());
        JsonNode bucket = report().get("buckets").get(0);
        assertEquals(505, bucket.get("expected").asLong(), bucket.toString());
        assertEquals(505, bucket.get("found").asLong(), bucket.toString());
        long withExpiry = 0;
        for (JsonNode i : report().get("instances")) {
            withExpiry += i.get("dbs").get(0).get("with_expiry").asLong();
        }
        assertEquals(40, withExpiry);
        try (JedisCluster t = cluster.jedisCluster()) {
            t.del("hash:9");
        }
        code = migrate(verify.toArray(String[]::new));
        assertEquals(1, code, cli.said());
        bucket = report().get("buckets").get(0);
        assertEquals(1, bucket.get("unexplained").asLong(), bucket.toString());
        assertTrue(bucket.get("explanation").asText().contains("1 keys missing"), bucket.toString());
    }

    @Test
    void aLiveMigrationVerifiesCleanWhileWritesContinue(TwemproxyFixture twemproxy, RedisClusterFixture cluster) throws Exception {
        write(twemproxy);
        ClusterNode seed = cluster.masters().get(0);
        RedisEndpoint endpoint = new RedisEndpoint(seed.host(), seed.port(), TlsTrust.fromPem(cluster.caCertFile()),
                cluster.aclUser(), cluster::aclPassword);
        Target target = Target.probe(endpoint, WriterOptions.defaults());
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (StandaloneRedis b : twemproxy.backends()) {
            Worker w = new Worker(new SourceSpec.Live(b.uri(), RedisEndpoint.plain(b.host(), b.port())), target,
                    LoadOptions.defaults(), ReplayOptions.defaults(), dir.resolve("state-" + b.port()));
            Thread t = new Thread(() -> {
                try {
                    w.run();
                } catch (Exception e) {
                    failures.add(w.source().name() + ": " + e);
                }
            }, "live worker");
            t.setDaemon(true);
            t.start();
            workers.add(w);
            threads.add(t);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try (Jedis proxy = twemproxy.jedis()) {
                // As fast as the proxy takes them: 40 hashes and a counter are rewritten every few
                // milliseconds, faster than the copy follows (hot keys: "busy", not differences).
                for (int i = 0; writing.get(); i++) {
                    Pipeline p = proxy.pipelined();
                    for (int j = 0; j < 20; j++) {
                        int n = 20 * i + j;
                        p.set("live:" + (n % 500), "v" + n);       // new keys, then overwrites
                        p.hset("hash:" + (n % 40), "f1", "w" + n); // keys the copy had
                        p.incr("counter");
                    }
                    p.sync();
                    Thread.sleep(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failures.add("writer: " + e);
            }
        }, "writer");
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (workers.stream().anyMatch(w -> w.appliedOffset() < 0)) {
                assertTrue(System.currentTimeMillis() < deadline, "the workers did not start streaming");
                assertTrue(threads.stream().allMatch(Thread::isAlive), "a worker stopped");
                Thread.sleep(20);
            }
            writer.start();
            Thread.sleep(300);
            List<String> verify = verifyArgs(twemproxy, cluster, "full");
            // 2 cores shared with the workers, the writer and six cluster nodes: allow seconds of lag
            verify.addAll(List.of("--rechecks", "5"));
            int code = migrate(verify.toArray(String[]::new));
            StringBuilder lag = new StringBuilder();
            for (Worker w : workers) {
                lag.append(w.source().name()).append(" received ").append(w.receivedOffset()).append(" applied ")
                        .append(w.appliedOffset()).append("; ");
            }
            assertEquals(0, code, cli.said() + "\nfailures " + failures + "\n" + lag);
            long found = 0;
            for (JsonNode i : report().get("instances")) {
                found += i.get("found").asLong();
            }
            assertTrue(found > 505, "the keys written during the run are compared too: " + report());
            assertEquals(0, report().get("totals").get("value").asLong(), report().toString());
        } finally {
            writing.set(false);
            writer.join();
            workers.forEach(Worker::stop);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
    }

    private static void assertReported(JsonNode report, String kind, String key, String detail) {
        for (JsonNode d : report.get("examples").get(kind)) {
            if (d.get("key").asText().equals(key)) {
                assertTrue(d.get("detail").asText().contains(detail), d.toString());
                return;
            }
        }
        throw new AssertionError("no " + kind + " difference for " + key + " in " + report.get("examples"));
    }
}
