package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.fixture.Await;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.fixture.TwemproxyFixture;
import io.slotferry.source.Shard;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * One Twemproxy fleet of 4 backends split across two {@code migrate run} processes with {@code --shard 0/2}
 * and {@code --shard 1/2}: each instance migrated by exactly one of them, a third process naming a leased
 * instance refused with the holder's name, fleet status over both, and a process killed with -9 and started
 * again resuming its own instances by partial resync.
 */
@ExtendWith(RealServers.class)
class ShardingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int BACKENDS = 4;

    @TempDir
    Path dir;

    private MigrateProcess start(String name, TwemproxyFixture proxy, RedisClusterFixture cluster, String... more) throws IOException {
        ClusterNode seed = cluster.masters().get(0);
        List<String> a = new ArrayList<>(List.of("run", "--source", "twemproxy:" + proxy.configFile(),
                "--target", "rediss://" + cluster.aclUser() + "@" + seed.host() + ":" + seed.port(),
                "--target-cacert", cluster.caCertFile().toString(), "--state-dir", dir.resolve(name).toString(),
                "--status-file", dir.resolve(name + ".json").toString()));
        if (!List.of(more).contains("--lease-ttl")) {
            a.addAll(List.of("--lease-ttl", "PT6S"));
        }
        a.addAll(List.of(more));
        return MigrateProcess.start(dir.resolve(name + "-" + System.nanoTime() + ".log"),
                Map.of("MIGRATE_TARGET_PASSWORD", cluster.aclPassword()), a.toArray(new String[0]));
    }

    private JsonNode awaitStatus(MigrateProcess p, String name, String what, Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        Await.until(name + ": " + what + "\n" + p.output(), WAIT, () -> {
            assertTrue(p.alive(), "migrate run exited:\n" + p.output());
            Path file = dir.resolve(name + ".json");
            if (!Files.exists(file)) {
                return false;
            }
            try {
                last[0] = JSON.readTree(file.toFile());
            } catch (IOException e) {
                return false;
            }
            return condition.test(last[0]);
        });
        return last[0];
    }

    private static Set<String> sources(JsonNode status) {
        Set<String> out = new TreeSet<>();
        status.get("workers").forEach(w -> out.add(w.get("source").asText()));
        return out;
    }

    private static Set<String> expected(int shard) {
        Set<String> out = new TreeSet<>();
        for (int i = 0; i < BACKENDS; i++) {
            String name = "twemproxy:" + TwemproxyFixture.POOL + "/" + TwemproxyFixture.backendName(i);
            if (Shard.of(name, 2) == shard) {
                out.add(name);
            }
        }
        return out;
    }

    private static boolean ready(JsonNode s) {
        return s.get("ready_for_cutover").asBoolean();
    }

    private static Map<String, KeyspaceView.Entry> backends(TwemproxyFixture proxy) {
        List<Jedis> servers = new ArrayList<>();
        for (StandaloneRedis b : proxy.backends()) {
            servers.add(b.jedis());
        }
        return KeyspaceView.ofClosing(servers);
    }

    private static void seed(TwemproxyFixture proxy, int keys) {
        try (Jedis j = proxy.jedis()) {
            for (int i = 0; i < keys; i++) {
                j.set("k:" + i, "v" + i);
                if (i % 3 == 0) {
                    j.hset("h:" + i, "f", "x" + i);
                }
            }
        }
    }

    private static Thread traffic(TwemproxyFixture proxy, AtomicBoolean running) {
        Thread t = new Thread(() -> {
            try (Jedis j = proxy.jedis()) {
                for (long i = 0; running.get(); i++) {
                    j.set("live:" + i, "v" + i);
                    j.incr("counter:" + (i % 16));
                    j.rpush("list:" + (i % 8), "e" + i);
                    Thread.sleep(2);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "traffic");
        t.start();
        return t;
    }

    private static String lease(RedisClusterFixture cluster, String instance) {
        try (JedisCluster c = cluster.jedisCluster()) {
            return c.get("slotferry:lease:{" + instance + "}");
        }
    }

    @Test
    void twoShardProcessesMigrateEveryInstanceOnceRefuseAThirdAndResumeAfterAKill(RedisClusterFixture cluster) throws Exception {
        Set<String> shard0 = expected(0);
        Set<String> shard1 = expected(1);
        assertTrue(!shard0.isEmpty() && !shard1.isEmpty(), "the 4 backend names split across both shards: " + shard0 + " " + shard1);
        try (TwemproxyFixture proxy = TwemproxyFixture.start(BACKENDS)) {
            seed(proxy, 2000);
            AtomicBoolean running = new AtomicBoolean(true);
            Thread writes = traffic(proxy, running);
            int metricsPort = io.slotferry.fixture.FreePort.pick();
            MigrateProcess first = start("s0", proxy, cluster, "--shard", "0/2", "--metrics-port", Integer.toString(metricsPort));
            MigrateProcess second = start("s1", proxy, cluster, "--shard", "1/2");
            try {
                JsonNode s0 = awaitStatus(first, "s0", "ready for cutover", ShardingIT::ready);
                JsonNode s1 = awaitStatus(second, "s1", "ready for cutover", ShardingIT::ready);
                assertEquals(shard0, sources(s0), "shard 0/2 migrates its part only");
                assertEquals(shard1, sources(s1), "shard 1/2 migrates the rest");
                Set<String> both = new HashSet<>(sources(s0));
                both.retainAll(sources(s1));
                assertTrue(both.isEmpty(), "no instance migrated twice: " + both);

                String leased = shard0.iterator().next();
                String holder = lease(cluster, leased);
                assertTrue(holder != null && holder.contains("state=" + dir.resolve("s0").toAbsolutePath()), holder);

                try (MigrateProcess third = start("s2", proxy, cluster, "--instances", leased)) {
                    assertEquals(1, third.waitFor(60), third.output());
                    assertTrue(third.output().contains("source " + leased + " is being migrated by another process")
                            && third.output().contains("held by " + holder), third.output());
                }

                StringWriter fleet = new StringWriter();
                picocli.CommandLine cl = Migrate.commandLine();
                cl.setOut(new PrintWriter(fleet, true));
                assertEquals(0, cl.execute("status", "--state-dir", dir.resolve("s1").toString(),
                        "http://127.0.0.1:" + metricsPort + "/status"), fleet.toString());
                for (int i = 0; i < BACKENDS; i++) {
                    assertTrue(fleet.toString().contains("twemproxy:alpha/shard" + i), fleet.toString());
                }
                assertTrue(fleet.toString().contains("fleet: 4 instance(s) in 2 run(s), ready_for_cutover: true"), fleet.toString());

                first.kill();
                first = start("s0", proxy, cluster, "--shard", "0/2");
                MigrateProcess restarted = first;
                JsonNode again = awaitStatus(restarted, "s0", "ready again after kill -9 and restart",
                        s -> ready(s) && s.get("workers").size() == shard0.size()
                                && s.get("workers").get(0).get("partial_resyncs").asInt() == 1);
                for (JsonNode w : again.get("workers")) {
                    assertEquals(0, w.get("full_syncs").asInt(), "resumed by partial resync, no new snapshot: " + w);
                    assertEquals(1, w.get("partial_resyncs").asInt(), w.toString());
                }
                assertTrue(restarted.output().contains("lease taken over from an earlier process of this host and state directory"),
                        restarted.output());

                running.set(false);
                writes.join();
                List<List<String>> diff = new ArrayList<>(List.of(List.of()));
                Await.until("the target equals the 4 backends", WAIT, () -> {
                    diff.set(0, KeyspaceView.differences(backends(proxy), KeyspaceView.ofCluster(cluster), 1500));
                    return diff.get(0).isEmpty();
                });
                assertEquals(0, first.terminate(20), first.output());
                assertEquals(0, second.terminate(20), second.output());
                for (int i = 0; i < BACKENDS; i++) {
                    assertNull(lease(cluster, "twemproxy:alpha/shard" + i), "a clean stop releases every lease");
                }
            } finally {
                running.set(false);
                writes.join();
                first.close();
                second.close();
            }
        }
    }

    @Test
    void aProcessWhoseLeaseAnotherHolderTookStopsThatInstanceAndExitsOneNamingTheHolder(TwemproxyFixture proxy,
            RedisClusterFixture cluster) throws Exception {
        seed(proxy, 300);
        String instance = "twemproxy:alpha/shard0";
        int metricsPort = io.slotferry.fixture.FreePort.pick();
        try (MigrateProcess run = start("one", proxy, cluster, "--instances", instance, "--lease-ttl", "PT3S",
                "--metrics-port", Integer.toString(metricsPort))) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.URI live = java.net.URI.create("http://127.0.0.1:" + metricsPort + "/live");
            Await.until("/live answers\n" + run.output(), WAIT, () -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(live).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(503, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + metricsPort
                    + "/ready")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode(),
                    "/ready: 503 until ready for cutover (5 s caught up at least)");
            try (MigrateProcess twin = start("one", proxy, cluster, "--instances", instance)) {
                assertEquals(1, twin.waitFor(60), twin.output());
                assertTrue(twin.output().contains("is in use by another migrate process"), twin.output());
            }
            awaitStatus(run, "one", "streaming", ShardingIT::ready);
            assertEquals(200, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + metricsPort
                    + "/ready")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode(), "/ready: 200 when ready");
            assertEquals(200, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + metricsPort
                    + "/live")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode(), "/live");
            try (JedisCluster c = cluster.jedisCluster()) {
                c.set("slotferry:lease:{" + instance + "}", "host=elsewhere state=/other pid=1");
            }
            assertEquals(1, run.waitFor(30), "a lost lease stops the worker and fails the run\n" + run.output());
            assertTrue(run.output().contains("source " + instance + ": stopped, its lease slotferry:lease:{" + instance
                    + "} is held by host=elsewhere state=/other pid=1"), run.output());
            assertEquals("host=elsewhere state=/other pid=1", lease(cluster, instance), "the other holder's lease is left alone");

            ClusterNode seed = cluster.masters().get(0);
            String[] finish = {"finish", "--state-dir", dir.resolve("one").toString(),
                "--target", "rediss://" + cluster.aclUser() + "@" + seed.host() + ":" + seed.port(),
                "--target-cacert", cluster.caCertFile().toString()};
            Map<String, String> env = Map.of("MIGRATE_TARGET_PASSWORD", cluster.aclPassword());
            try (MigrateProcess refused = MigrateProcess.start(dir.resolve("finish1.log"), env, finish)) {
                assertEquals(1, refused.waitFor(60), refused.output());
                assertTrue(refused.output().contains("a 'migrate run' still holds 1 source instance(s) of this target"),
                        refused.output());
            }
            try (JedisCluster c = cluster.jedisCluster()) {
                c.del("slotferry:lease:{" + instance + "}");
            }
            try (MigrateProcess finished = MigrateProcess.start(dir.resolve("finish2.log"), env, finish)) {
                assertEquals(0, finished.waitFor(60), finished.output());
            }
        }
    }
}
