package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.slotferry.fixture.Await;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.CodisFixture;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/**
 * {@code migrate run --source codis:http://DASHBOARD} against a real Codis 3.2 deployment
 * ({@link CodisFixture}: 2 groups of codis-server master + replica, codis-dashboard, codis-proxy),
 * with writes through codis-proxy. Runs only when {@code SLOTFERRY_CODIS_HOME} names a Codis 3.2
 * build; otherwise every test is aborted (skipped) with a message naming the variable.
 */
@ExtendWith(RealServers.class)
class CodisRealIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static CodisFixture codis;

    @TempDir
    Path dir;

    @AfterAll
    static void stopCodis() {
        if (codis != null) {
            codis.close();
        }
    }

    /** Each test is aborted (reported skipped, naming SLOTFERRY_CODIS_HOME) when no Codis build is given. */
    @BeforeEach
    void startCodisOnceAndEmptyIt() {
        if (codis == null) {
            codis = CodisFixture.start();
        }
        codis.flushAll();
    }

    private String[] runArgs(RedisClusterFixture cluster, String... more) {
        ClusterNode seed = cluster.masters().get(0);
        List<String> a = new ArrayList<>(List.of("run", "--source", "codis:" + codis.dashboardUrl(),
                "--target", "rediss://" + cluster.aclUser() + "@" + seed.host() + ":" + seed.port(),
                "--target-cacert", cluster.caCertFile().toString(), "--state-dir", dir.resolve("state").toString(),
                "--status-file", dir.resolve("status.json").toString()));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    private JsonNode awaitStatus(MigrateProcess p, String what, Predicate<JsonNode> condition) {
        return p.awaitStatus(dir.resolve("status.json"), what, WAIT, condition);
    }

    private static Map<String, KeyspaceView.Entry> masters() {
        List<Jedis> js = new ArrayList<>();
        codis.masters().forEach(m -> js.add(m.jedis()));
        return KeyspaceView.ofClosing(js);
    }

    /** Mixed writes through codis-proxy until stopped. */
    private static Thread workload(AtomicBoolean running, AtomicLong done, AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try (Jedis j = codis.proxyJedis()) {
                for (long i = 0; running.get(); i++) {
                    j.set("live:" + i, "v" + i);
                    j.incr("counter:" + (i % 10));
                    j.lpush("pushed:" + (i % 7), "e" + i);
                    j.hset("h:1", "live", Long.toString(i));
                    j.sadd("set:3", "live" + (i % 50));
                    j.zincrby("z:4", 1, "m" + (i % 5));
                    if (i % 5 == 0) {
                        j.pexpire("live:" + i, 300_000);
                    }
                    if (i % 11 == 0) {
                        j.del("s:" + (i * 6 % 1200));
                    }
                    done.incrementAndGet();
                    Thread.sleep(2);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "codis-proxy-workload");
        t.start();
        return t;
    }

    @Test
    void aFrozenRunPausesTheRealDashboardCopiesBothGroupsUnderProxyTrafficAndResumesSlotActionsAtTheEnd(
            RedisClusterFixture cluster) throws Exception {
        SampleKeys.write(codis.proxyJedis(), 1200);
        for (StandaloneRedis m : codis.masters()) {
            try (Jedis j = m.jedis()) {
                assertTrue(j.dbSize() > 100, "the proxy spread the keys over both groups: " + m + " has " + j.dbSize());
            }
        }
        assertFalse(codis.slotActionsDisabled(), "slot actions run before the migration");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread traffic = workload(running, writes, failure);
        try (MigrateProcess run = MigrateProcess.start(dir.resolve("run.log"),
                Map.of("MIGRATE_TARGET_PASSWORD", cluster.aclPassword()), runArgs(cluster, "--codis-freeze-migrations"))) {
            JsonNode first = awaitStatus(run, "both groups have a worker", s -> s.path("workers").size() == 2);
            Set<String> names = new TreeSet<>();
            first.get("workers").forEach(w -> names.add(w.get("source").asText()));
            assertEquals(Set.of("codis:" + CodisFixture.PRODUCT + "/group-1", "codis:" + CodisFixture.PRODUCT + "/group-2"),
                    names, first.toString());
            assertTrue(codis.slotActionsDisabled(), "the real dashboard's slot actions are paused while the run runs\n"
                    + run.output());

            awaitStatus(run, "ready for cutover under proxy traffic", s -> s.get("ready_for_cutover").asBoolean());
            long before = writes.get();
            Await.until("the proxy workload goes on", WAIT, () -> writes.get() > before + 100);
            assertTrue(codis.slotActionsDisabled(), "still paused while streaming");

            running.set(false);
            traffic.join(10_000);
            assertEquals(null, failure.get(), "the proxy workload failed");
            List<List<String>> diff = new ArrayList<>(List.of(List.of()));
            try {
                Await.until("the target equals the groups' masters", WAIT, () -> {
                    diff.set(0, KeyspaceView.differences(masters(), KeyspaceView.ofCluster(cluster), 1500));
                    return diff.get(0).isEmpty();
                });
            } catch (IllegalStateException e) {
                List<String> d = diff.get(0);
                throw new AssertionError(e.getMessage() + ": " + d.size() + " differences, first "
                        + d.subList(0, Math.min(20, d.size())) + "\n" + run.output(), e);
            }
            assertEquals(0, run.terminate(30), run.output());
            assertTrue(run.output().contains("slot actions resumed"), run.output());
        } finally {
            running.set(false);
            traffic.join(10_000);
        }
        assertFalse(codis.slotActionsDisabled(), "the run resumed the real dashboard's slot actions at its end");
    }

    @Test
    void aRunRefusesToStartWhileTheRealDashboardHasAPendingSlotMigration(RedisClusterFixture cluster) throws Exception {
        // Paused actions stay pending: the state of a slot migration an operator queued and a run must not race.
        codis.admin("--slot-action", "--disabled=1");
        codis.admin("--slot-action", "--create", "--sid=3", "--gid=2");
        try {
            StringWriter err = new StringWriter();
            CommandLine cl = Migrate.commandLine();
            cl.setErr(new PrintWriter(err, true));
            cl.setOut(new PrintWriter(new StringWriter(), true));
            Path pw = Files.writeString(dir.resolve("pw"), cluster.aclPassword(), StandardCharsets.UTF_8);
            assertEquals(1, cl.execute(runArgs(cluster, "--target-password-file", pw.toString())), err.toString());
            assertTrue(err.toString().contains("pending or running slot action (first: slot 3)"), err.toString());
            assertTrue(codis.slotActionsDisabled(), "left as the operator set it");
        } finally {
            codis.admin("--slot-action", "--remove", "--sid=3");
            codis.admin("--slot-action", "--disabled=0");
        }
    }

    @Test
    void slotActionsTheOperatorPausedStayPausedAfterAFrozenRun(RedisClusterFixture cluster) throws Exception {
        SampleKeys.write(codis.proxyJedis(), 60);
        codis.admin("--slot-action", "--disabled=1");
        try (MigrateProcess run = MigrateProcess.start(dir.resolve("run.log"),
                Map.of("MIGRATE_TARGET_PASSWORD", cluster.aclPassword()), runArgs(cluster, "--codis-freeze-migrations"))) {
            awaitStatus(run, "ready for cutover", s -> s.get("ready_for_cutover").asBoolean());
            assertEquals(0, run.terminate(30), run.output());
            assertFalse(run.output().contains("slot actions paused"), run.output());
        } finally {
            try {
                assertTrue(codis.slotActionsDisabled(), "the operator's pause is theirs to lift");
            } finally {
                codis.admin("--slot-action", "--disabled=0");
            }
        }
    }
}
