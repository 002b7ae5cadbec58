package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.fixture.Await;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.FreePort;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.fixture.TwemproxyFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * {@code migrate run --source twemproxy:nutcracker.yml} end to end, as a separate process: live
 * traffic through the proxy during the whole run, the status file and {@code /metrics}, SIGTERM, and
 * SIGKILL during the snapshot and during streaming followed by a restart.
 */
@ExtendWith(RealServers.class)
class TwemproxyMigrationIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private String[] runArgs(TwemproxyFixture proxy, RedisClusterFixture cluster, String... more) {
        ClusterNode seed = cluster.masters().get(0);
        List<String> a = new ArrayList<>(List.of("run", "--source", "twemproxy:" + proxy.configFile(),
                "--target", "rediss://" + cluster.aclUser() + "@" + seed.host() + ":" + seed.port(),
                "--target-cacert", cluster.caCertFile().toString(), "--state-dir", dir.resolve("state").toString(),
                "--status-file", dir.resolve("status.json").toString()));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    private MigrateProcess start(String name, RedisClusterFixture cluster, String... args) throws IOException {
        return MigrateProcess.start(dir.resolve(name + ".log"), Map.of("MIGRATE_TARGET_PASSWORD", cluster.aclPassword()), args);
    }

    /** The status file once it satisfies {@code condition}; every read of it must be valid JSON with the documented fields. */
    private JsonNode awaitStatus(MigrateProcess p, String what, Predicate<JsonNode> condition) {
        return p.awaitStatus(dir.resolve("status.json"), what, WAIT, s -> {
            assertTrue(s.has("ready_for_cutover") && s.has("time") && s.get("workers").size() == TwemproxyFixture.BACKENDS, s.toString());
            for (JsonNode w : s.get("workers")) {
                for (String field : new String[] {"source", "phase", "rdb_bytes_done", "rdb_bytes_total", "rdb_percent", "keys_loaded",
                    "keys_per_second", "eta_seconds", "applied_offset", "master_repl_offset", "lag_bytes", "lag_seconds",
                    "error"}) {
                    assertTrue(w.has(field), field + " in " + w);
                }
            }
            return condition.test(s);
        });
    }

    private static boolean all(JsonNode status, Predicate<JsonNode> worker) {
        for (JsonNode w : status.get("workers")) {
            if (!worker.test(w)) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, KeyspaceView.Entry> sources(TwemproxyFixture proxy) {
        List<Jedis> backends = new ArrayList<>();
        for (StandaloneRedis b : proxy.backends()) {
            backends.add(b.jedis());
        }
        try {
            return KeyspaceView.of(backends);
        } finally {
            backends.forEach(Jedis::close);
        }
    }

    private static void awaitEqual(TwemproxyFixture proxy, RedisClusterFixture cluster) {
        List<List<String>> diff = new ArrayList<>(List.of(List.of()));
        try {
            Await.until("the target equals the union of the backends", WAIT, () -> {
                diff.set(0, KeyspaceView.differences(sources(proxy), KeyspaceView.ofCluster(cluster), 1500));
                return diff.get(0).isEmpty();
            });
        } catch (IllegalStateException e) {
            List<String> d = diff.get(0);
            throw new AssertionError(e.getMessage() + ": " + d.size() + " differences, first " + d.subList(0, Math.min(20, d.size())), e);
        }
    }

    /** Mixed writes through the proxy until stopped: new keys, counters, list pushes, hash fields, expiries, deletes. */
    private static Thread workload(TwemproxyFixture proxy, AtomicBoolean running, AtomicLong done) {
        Thread t = new Thread(() -> {
            try (Jedis j = proxy.jedis()) {
                for (long i = 0; running.get(); i++) {
                    j.set("live:" + i, "v" + i);
                    j.incr("counter:" + (i % 10));
                    j.lpush("pushed:" + (i % 7), "e" + i);
                    j.hset("h:1", "live", Long.toString(i));
                    if (i % 5 == 0) {
                        j.pexpire("live:" + i, 300_000);
                    }
                    if (i % 11 == 0) {
                        j.del("s:" + (i * 6 % 3000));
                    }
                    done.incrementAndGet();
                    Thread.sleep(2);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "workload");
        t.start();
        return t;
    }

    @Test
    void copiesEveryBackendUnderLiveTrafficAndSignalsCutover(TwemproxyFixture proxy, RedisClusterFixture cluster) throws Exception {
        SampleKeys.write(proxy.jedis(), 3000);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        Thread traffic = workload(proxy, running, writes);
        int metricsPort = FreePort.pick();
        try (MigrateProcess run = start("run", cluster, runArgs(proxy, cluster, "--metrics-port", Integer.toString(metricsPort)))) {
            JsonNode ready = awaitStatus(run, "ready for cutover under live traffic", s -> s.get("ready_for_cutover").asBoolean());
            assertTrue(all(ready, w -> w.get("phase").asText().equals("STREAMING") && w.get("full_syncs").asInt() == 1), ready.toString());
            long before = writes.get();
            Await.until("the workload goes on", WAIT, () -> writes.get() > before + 100);

            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("slotferry_lag_bytes{source=\"twemproxy:alpha/shard0\"}")
                    && metrics.body().contains("slotferry_lag_time_seconds") && metrics.body().contains("slotferry_ready_for_cutover"),
                    metrics.body());
            HttpResponse<String> statusPage = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/status")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(JSON.readTree(statusPage.body()).has("ready_for_cutover"), statusPage.body());

            running.set(false);
            traffic.join();
            awaitEqual(proxy, cluster);
            awaitStatus(run, "ready once the workload stopped", s -> s.get("ready_for_cutover").asBoolean()
                    && all(s, w -> w.get("lag_bytes").asLong() == 0));

            assertEquals(0, run.terminate(10), "SIGTERM: drained, checkpointed, exit 0 within 10 s\n" + run.output());
            for (int i = 0; i < TwemproxyFixture.BACKENDS; i++) {
                JsonNode c = JSON.readTree(dir.resolve("state").resolve("checkpoint-twemproxy_alpha_shard" + i + ".json").toFile());
                assertEquals("STREAMING", c.get("phase").asText(), c.toString());
                assertTrue(c.get("applied_offset").asLong() > 0, c.toString());
            }
            assertTrue(!run.output().contains(cluster.aclPassword()), "the password is never printed");

            java.io.StringWriter status = new java.io.StringWriter();
            picocli.CommandLine cl = Migrate.commandLine();
            cl.setOut(new java.io.PrintWriter(status, true));
            assertEquals(0, cl.execute("status", "--state-dir", dir.resolve("state").toString()), status.toString());
            assertTrue(status.toString().contains("twemproxy:alpha/shard2") && status.toString().contains("STREAMING applied")
                    && status.toString().contains("a restart asks PSYNC"), status.toString());
        } finally {
            running.set(false);
            traffic.join();
        }
    }

    @Test
    void resumesWithAPartialResyncAfterBeingKilledDuringTheSnapshotAndDuringStreaming(TwemproxyFixture proxy,
            RedisClusterFixture cluster) throws Exception {
        for (StandaloneRedis b : proxy.backends()) {
            try (Jedis j = b.jedis()) {
                Pipeline p = j.pipelined();
                for (int i = 0; i < 20_000; i++) {
                    p.set("bulk:" + b.port() + ":" + i, "value-" + i);
                    if (i % 5000 == 4999) {
                        p.sync();
                    }
                }
                p.sync();
            }
        }
        String[] args = runArgs(proxy, cluster, "--max-ops", "5000"); // a snapshot of 4 s per backend: time to kill it
        try (MigrateProcess first = start("first", cluster, args)) {
            awaitStatus(first, "a snapshot under way", s -> !all(s, w -> w.get("keys_loaded").asLong() == 0));
            first.kill();
        }
        try (MigrateProcess second = start("second", cluster, args)) {
            awaitStatus(second, "every worker streaming", s -> all(s, w -> w.get("phase").asText().equals("STREAMING")));
            // Writes that must not be applied twice, up to the moment of the kill: the checkpoint is
            // up to a second behind, so the restart meets some the target already holds.
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread adds = new Thread(() -> {
                try (Jedis j = proxy.jedis()) {
                    for (int i = 0; writing.get(); i++) {
                        j.set("during:" + i, "x" + i);
                        j.incr("during:counter:" + (i % 5));
                        j.rpush("during:list:" + (i % 3), "e" + i);
                        j.hincrBy("during:hash", "f" + (i % 4), 1);
                    }
                } catch (redis.clients.jedis.exceptions.JedisException e) {
                    // the proxy may refuse once the test ends; what was acknowledged is compared
                }
            }, "adds");
            adds.start();
            Thread.sleep(2500);
            second.kill(); // mid-stream: writes in flight, the checkpoint behind
            writing.set(false);
            adds.join();
        }
        try (Jedis j = proxy.jedis()) {
            for (int i = 0; i < 500; i++) {
                j.set("between:" + i, "y" + i); // written while no migrator runs: must come from the backlog
            }
        }
        try (MigrateProcess third = start("third", cluster, args)) {
            JsonNode s = awaitStatus(third, "ready after the restart", x -> x.get("ready_for_cutover").asBoolean());
            assertTrue(all(s, w -> w.get("partial_resyncs").asInt() == 1 && w.get("full_syncs").asInt() == 0),
                    "every worker resumed by partial resync, without a second snapshot: " + s);
            awaitEqual(proxy, cluster); // counters, lists and hash increments exactly once
            long skipped = 0;
            for (JsonNode w : s.get("workers")) {
                skipped += w.path("stream").path("skipped:applied-before-restart").asLong(0);
            }
            assertTrue(skipped > 0, "the restart met writes the target already held, and skipped them: " + s);
            assertEquals(0, third.terminate(10), third.output());
        }
    }
}
