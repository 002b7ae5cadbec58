package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.fixture.Await;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.fixture.TwemproxyFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/** One source instance failing: the run stops, or with --keep-going the others go on; the exit code is the failure's. */
@ExtendWith(RealServers.class)
class KeepGoingIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A run in its own state directory {@code state}: a second run over the first's would resume at the same FLUSHALL. */
    private MigrateProcess start(String state, TwemproxyFixture proxy, RedisClusterFixture cluster, String... more) throws IOException {
        ClusterNode seed = cluster.masters().get(0);
        String[] base = {"run", "--source", proxy.backends().get(0).uri(), "--source", proxy.backends().get(1).uri(),
            "--target", "rediss://" + cluster.aclUser() + "@" + seed.host() + ":" + seed.port(),
            "--target-cacert", cluster.caCertFile().toString(), "--state-dir", dir.resolve(state).toString(),
            "--status-file", dir.resolve("status.json").toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return MigrateProcess.start(dir.resolve("run.log"), Map.of("MIGRATE_TARGET_PASSWORD", cluster.aclPassword()), all);
    }

    private JsonNode status() {
        try {
            Path f = dir.resolve("status.json");
            return Files.exists(f) ? JSON.readTree(f.toFile()) : null;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Streaming on both, then a FLUSHALL on the second backend, which the default --flush stop refuses to replay. */
    private void failTheSecond(TwemproxyFixture proxy, MigrateProcess run) {
        try {
            Await.until("both streaming", Duration.ofSeconds(60), () -> {
                JsonNode s = status();
                return s != null && s.get("workers").get(0).get("phase").asText().equals("STREAMING")
                        && s.get("workers").get(1).get("phase").asText().equals("STREAMING");
            });
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "\nstatus: " + status() + "\n" + run.output(), e);
        }
        try (Jedis j = proxy.backends().get(1).jedis()) {
            j.flushAll();
        }
    }

    @Test
    void aFailedInstanceStopsTheRunUnlessKeepGoing(TwemproxyFixture proxy, RedisClusterFixture cluster) throws Exception {
        StandaloneRedis second = proxy.backends().get(1);
        try (MigrateProcess run = start("first", proxy, cluster)) {
            failTheSecond(proxy, run);
            Await.until("the run stops", Duration.ofSeconds(30), () -> !run.alive());
            assertEquals(1, run.terminate(1), run.output());
            assertTrue(run.output().contains(second.uri() + ": loaded") && run.output().contains("- failed: ")
                    && run.output().contains("FLUSHALL"), "names the instance at fault and why\n" + run.output());
        }
        Files.deleteIfExists(dir.resolve("status.json"));
        try (Jedis j = proxy.backends().get(1).jedis()) {
            j.set("again", "x"); // the FLUSHALL is behind; the second run replicates anew and meets the next one
        }
        // The target holds the first run's keys and this is a fresh state directory: say that overwriting them is meant.
        try (MigrateProcess run = start("second", proxy, cluster, "--keep-going", "--on-existing", "replace")) {
            failTheSecond(proxy, run);
            Await.until("one streams, one failed", Duration.ofSeconds(60), () -> {
                JsonNode s = status();
                return s != null && s.get("workers").get(0).get("phase").asText().equals("STREAMING")
                        && s.get("workers").get(1).get("phase").asText().equals("FAILED");
            });
            JsonNode failed = status().get("workers").get(1);
            assertTrue(!failed.get("error").isNull() && !failed.get("error").asText().isEmpty(), failed.toString());
            assertEquals(false, status().get("ready_for_cutover").asBoolean(), "never ready with a failed instance");
            try (Jedis j = proxy.backends().get(0).jedis()) {
                j.set("after", "the failure");
            }
            try (JedisCluster t = cluster.jedisCluster()) {
                Await.until("the healthy instance still streams", Duration.ofSeconds(30), () -> "the failure".equals(t.get("after")));
            }
            assertEquals(1, run.terminate(10), "stopped, but an instance failed\n" + run.output());
        }
    }

    @Test
    void anUnreachableInstanceIsRetriedAndTheStatusSaysWhy(RedisClusterFixture cluster) throws Exception {
        ClusterNode seed = cluster.masters().get(0);
        String[] args = {"run", "--source", "redis://127.0.0.1:" + io.slotferry.fixture.FreePort.pick(), "--db-map", "only:0",
            "--target", "rediss://" + cluster.aclUser() + "@" + seed.host() + ":" + seed.port(),
            "--target-cacert", cluster.caCertFile().toString(), "--state-dir", dir.resolve("unreachable").toString(),
            "--status-file", dir.resolve("status.json").toString()};
        try (MigrateProcess run = MigrateProcess.start(dir.resolve("unreachable.log"),
                Map.of("MIGRATE_TARGET_PASSWORD", cluster.aclPassword()), args)) {
            Await.until("the status names the link error", Duration.ofSeconds(30), () -> {
                JsonNode s = status();
                return s != null && s.get("workers").get(0).get("error").asText("").startsWith("source link down: ");
            });
            assertEquals("STARTING", status().get("workers").get(0).get("phase").asText());
            assertEquals(false, status().get("ready_for_cutover").asBoolean());
            assertEquals(0, run.terminate(10), "stopped on request while retrying\n" + run.output());
        }
    }
}
