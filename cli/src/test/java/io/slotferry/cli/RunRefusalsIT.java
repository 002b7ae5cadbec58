package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.Await;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.fixture.TwemproxyFixture;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * What a run refuses because it would apply writes twice, loop, or overwrite what it should not: instances
 * are told apart by run_id and replication id, not by the names they were given; a target holding keys is
 * not overwritten unless the operator says so; a run that copies nothing says so and fails.
 */
@ExtendWith(RealServers.class)
class RunRefusalsIT {
    @TempDir
    Path dir;

    private final InProcessMigrate migrate = new InProcessMigrate();



    @Test
    void oneInstanceUnderTwoNamesIsRefusedByRunAndIsAFailInPlan(StandaloneRedis source) {
        String byIp = "redis://127.0.0.1:" + source.port();
        String byName = "redis://localhost:" + source.port();
        try (StandaloneRedis target = StandaloneRedis.start()) {
            int code = migrate.run("run", "--source", byIp, "--source", byName, "--target", target.uri(), "--state-dir", dir.toString());
            assertEquals(1, code, migrate.said());
            assertTrue(migrate.err().contains(byIp) && migrate.err().contains(byName)
                    && migrate.err().contains("are the same Redis instance"), migrate.said());
            assertEquals(1, migrate.run("plan", "--source", byIp, "--source", byName, "--target", target.uri()), migrate.said());
            assertTrue(migrate.out().contains("FAIL instances: sources " + byIp + " and " + byName), migrate.said());
            try (Jedis t = target.jedis()) {
                assertEquals(0, t.dbSize(), "nothing written");
            }
        }
    }

    @Test
    void aTwemproxyBackendAlsoGivenAsARedisUriIsRefused(TwemproxyFixture proxy) {
        StandaloneRedis backend = proxy.backends().get(1);
        try (StandaloneRedis target = StandaloneRedis.start()) {
            int code = migrate.run("run", "--source", "twemproxy:" + proxy.configFile(), "--source", backend.uri(),
                    "--target", target.uri(), "--state-dir", dir.toString());
            assertEquals(1, code, migrate.said());
            assertTrue(migrate.err().contains("twemproxy:alpha/" + TwemproxyFixture.backendName(1)) && migrate.err()
                    .contains(backend.uri()), migrate.said());
        }
    }

    @Test
    void aTargetThatIsTheSourceIsRefusedInsteadOfLooping(StandaloneRedis source) {
        int code = migrate.run("run", "--source", source.uri(), "--target", source.uri(), "--state-dir", dir.toString());
        assertEquals(1, code, migrate.said());
        assertTrue(migrate.err().contains("is source " + source.uri() + " itself"), migrate.said());
        assertEquals(1, migrate.run("plan", "--source", source.uri(), "--target", "redis://localhost:" + source.port()), migrate.said());
        assertTrue(migrate.out().contains("FAIL instances"), migrate.said());
    }

    @Test
    void aTargetThatReplicatesTheSourceIsRefused(StandaloneRedis source) {
        try (StandaloneRedis replica = StandaloneRedis.start("--replicaof", "127.0.0.1", Integer.toString(source.port()))) {
            Await.until("the replica is in sync", Duration.ofSeconds(20), () -> {
                try (Jedis j = replica.jedis()) {
                    return j.info("replication").contains("master_link_status:up");
                }
            });
            int code = migrate.run("run", "--source", source.uri(), "--target", replica.uri(), "--state-dir", dir.toString());
            assertEquals(1, code, migrate.said());
            assertTrue(migrate.err().contains("replicate each other"), migrate.said());
        }
    }

    @Test
    void aTargetHoldingKeysIsRefusedByDefaultLeftAloneWithSkipAndOverwrittenWithReplace(StandaloneRedis source) {
        try (Jedis s = source.jedis()) {
            s.set("PREEXISTING", "from the source");
            s.set("only-on-source", "x");
        }
        try (StandaloneRedis target = StandaloneRedis.start(); Jedis t = target.jedis()) {
            t.set("PREEXISTING", "the target's own");
            String[] base = {"run", "--source", source.uri(), "--target", target.uri(), "--snapshot-only"};
            int code = migrate.run(concat(base, "--state-dir", dir.resolve("a").toString()));
            assertEquals(1, code, migrate.said());
            assertTrue(migrate.err().contains("the target holds 1 keys (e.g. \"PREEXISTING\")") && migrate.err().contains("--on-existing"),
                    migrate.said());
            assertEquals("the target's own", t.get("PREEXISTING"));
            assertEquals(1, migrate.run("plan", "--source", source.uri(), "--target", target.uri()), migrate.said());
            assertTrue(migrate.out().contains("holds 1 keys (e.g. \"PREEXISTING\")"), migrate.said());

            assertEquals(0, migrate.run(concat(base, "--state-dir", dir.resolve("b").toString(), "--on-existing", "skip")), migrate.said());
            assertEquals("the target's own", t.get("PREEXISTING"));
            assertEquals("x", t.get("only-on-source"));
            assertTrue(migrate.out().contains("left 1 already on the target"), migrate.said());

            // A restart over the same state directory: the target holds what the first run loaded, and that is fine.
            assertEquals(0, migrate.run(concat(base, "--state-dir", dir.resolve("b").toString())), migrate.said());

            // Another process of a split fleet starting fresh: the target holds a migration's bookkeeping (its TTL
            // grace), so its keys are taken as that migration's copy, not the application's.
            assertEquals(0, migrate.run(concat(base, "--state-dir", dir.resolve("d").toString())), migrate.said());
            assertTrue(migrate.err().contains("taken as that migration's copy"), migrate.said());

            assertEquals(0, migrate.run(concat(base, "--state-dir", dir.resolve("c").toString(), "--on-existing", "replace")), migrate.said());
            assertEquals("from the source", t.get("PREEXISTING"));
        }
    }

    @Test
    void aRunThatCopiesNothingBecauseOfItsDbMapSaysSoAndFails(StandaloneRedis source) {
        try (Jedis s = source.jedis()) {
            s.set("k", "v");
        }
        try (StandaloneRedis target = StandaloneRedis.start()) {
            int code = migrate.run("run", "--source", source.uri(), "--target", target.uri(), "--snapshot-only", "--db-map", "only:9",
                    "--state-dir", dir.toString());
            assertEquals(1, code, migrate.said());
            assertTrue(migrate.err().contains("NOTHING WAS COPIED") && migrate.err().contains("--db-map only:9"), migrate.said());
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
