package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.fixture.Await;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.CodisFixture;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.source.Shard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Two {@code migrate run --shard I/2 --codis-freeze-migrations} processes over one real Codis 3.2 dashboard
 * ({@link CodisFixture}; skipped, naming {@code SLOTFERRY_CODIS_HOME}, without a Codis build): slot actions
 * stay paused while either runs, stopping the first leaves them paused, stopping the last resumes them.
 */
@ExtendWith(RealServers.class)
class CodisFleetFreezeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private MigrateProcess start(CodisFixture codis, RedisClusterFixture cluster, int shard) throws IOException {
        ClusterNode seed = cluster.masters().get(0);
        return MigrateProcess.start(dir.resolve("shard" + shard + ".log"), Map.of("MIGRATE_TARGET_PASSWORD", cluster.aclPassword()),
                "run", "--source", "codis:" + codis.dashboardUrl(), "--codis-freeze-migrations", "--shard", shard + "/2",
                "--target", "rediss://" + cluster.aclUser() + "@" + seed.host() + ":" + seed.port(),
                "--target-cacert", cluster.caCertFile().toString(), "--state-dir", dir.resolve("state" + shard).toString(),
                "--status-file", dir.resolve("status" + shard + ".json").toString(), "--lease-ttl", "PT6S");
    }

    private void awaitReady(MigrateProcess p, int shard) {
        Path file = dir.resolve("status" + shard + ".json");
        Await.until("shard " + shard + " ready for cutover\n" + p.output(), WAIT, () -> {
            assertTrue(p.alive(), "migrate run exited:\n" + p.output());
            try {
                if (!Files.exists(file)) {
                    return false;
                }
                JsonNode s = JSON.readTree(file.toFile());
                return s.get("ready_for_cutover").asBoolean() && s.get("workers").size() == 1;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void slotActionsStayPausedUntilTheLastShardProcessOfTheFleetStops(RedisClusterFixture cluster) throws Exception {
        assertTrue(Shard.of("codis:" + CodisFixture.PRODUCT + "/group-1", 2) != Shard.of("codis:" + CodisFixture.PRODUCT + "/group-2", 2),
                "the two groups fall in different shards");
        try (CodisFixture codis = CodisFixture.start()) {
            codis.flushAll();
            // a fresh codis-proxy may answer "backend conn failure" until its backend connections settle
            Await.until("500 keys written through codis-proxy", WAIT, () -> {
                try (Jedis j = codis.proxyJedis()) {
                    for (int i = 0; i < 500; i++) {
                        j.set("k:" + i, "v" + i);
                    }
                    return true;
                } catch (redis.clients.jedis.exceptions.JedisException e) {
                    return false;
                }
            });
            assertFalse(codis.slotActionsDisabled(), "slot actions run before the migration");
            List<MigrateProcess> runs = new ArrayList<>(List.of(start(codis, cluster, 0), start(codis, cluster, 1)));
            try {
                awaitReady(runs.get(0), 0);
                awaitReady(runs.get(1), 1);
                assertTrue(codis.slotActionsDisabled(), "paused while both run");

                assertEquals(0, runs.get(0).terminate(30), runs.get(0).output());
                assertTrue(runs.get(0).output().contains("slot actions stay paused: 1 other migrate process(es) still run"),
                        runs.get(0).output());
                assertTrue(codis.slotActionsDisabled(), "stopping the first process leaves slot actions paused");
                Thread.sleep(8_000); // past the first's lease time: its renewals have stopped, the pause must still hold
                assertTrue(codis.slotActionsDisabled(), "still paused while the second runs");

                assertEquals(0, runs.get(1).terminate(30), runs.get(1).output());
                assertTrue(runs.get(1).output().contains("slot actions resumed (the last migrate process of the fleet stopped)"),
                        runs.get(1).output());
                assertFalse(codis.slotActionsDisabled(), "the last process to stop resumed slot actions");
            } finally {
                for (MigrateProcess p : runs) {
                    p.close();
                }
            }
        }
    }
}
