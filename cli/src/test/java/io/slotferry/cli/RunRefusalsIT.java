package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.Await;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.fixture.TwemproxyFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
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

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int migrate(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cl = Migrate.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private String said() {
        return out + "\n" + err;
    }

    @Test
    void oneInstanceUnderTwoNamesIsRefusedByRunAndIsAFailInPlan(StandaloneRedis source) {
        String byIp = "redis://127.0.0.1:" + source.port();
        String byName = "redis://localhost:" + source.port();
        try (StandaloneRedis target = StandaloneRedis.start()) {
            int code = migrate("run", "--source", byIp, "--source", byName, "--target", target.uri(), "--state-dir", dir.toString());
            assertEquals(1, code, said());
            assertTrue(err.toString().contains(byIp) && err.toString().contains(byName)
                    && err.toString().contains("are the same Redis instance"), said());
            assertEquals(1, migrate("plan", "--source", byIp, "--source", byName, "--target", target.uri()), said());
            assertTrue(out.toString().contains("FAIL instances: sources " + byIp + " and " + byName), said());
            try (Jedis t = target.jedis()) {
                assertEquals(0, t.dbSize(), "nothing written");
            }
        }
    }

    @Test
    void aTwemproxyBackendAlsoGivenAsARedisUriIsRefused(TwemproxyFixture proxy) {
        StandaloneRedis backend = proxy.backends().get(1);
        try (StandaloneRedis target = StandaloneRedis.start()) {
            int code = migrate("run", "--source", "twemproxy:" + proxy.configFile(), "--source", backend.uri(),
                    "--target", target.uri(), "--state-dir", dir.toString());
            assertEquals(1, code, said());
            assertTrue(err.toString().contains("twemproxy:alpha/" + TwemproxyFixture.backendName(1)) && err.toString()
                    .contains(backend.uri()), said());
        }
    }

    @Test
    void aTargetThatIsTheSourceIsRefusedInsteadOfLooping(StandaloneRedis source) {
        int code = migrate("run", "--source", source.uri(), "--target", source.uri(), "--state-dir", dir.toString());
        assertEquals(1, code, said());
        assertTrue(err.toString().contains("is source " + source.uri() + " itself"), said());
        assertEquals(1, migrate("plan", "--source", source.uri(), "--target", "redis://localhost:" + source.port()), said());
        assertTrue(out.toString().contains("FAIL instances"), said());
    }

    @Test
    void aTargetThatReplicatesTheSourceIsRefused(StandaloneRedis source) {
        try (StandaloneRedis replica = StandaloneRedis.start("--replicaof", "127.0.0.1", Integer.toString(source.port()))) {
            Await.until("the replica is in sync", Duration.ofSeconds(20), () -> {
                try (Jedis j = replica.jedis()) {
                    return j.info("replication").contains("master_link_status:up");
                }
            });
            int code = migrate("run", "--source", source.uri(), "--target", replica.uri(), "--state-dir", dir.toString());
            assertEquals(1, code, said());
            assertTrue(err.toString().contains("replicate each other"), said());
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
            int code = migrate(concat(base, "--state-dir", dir.resolve("a").toString()));
            assertEquals(1, code, said());
            assertTrue(err.toString().contains("the target holds 1 keys (e.g. \"PREEXISTING\")") && err.toString().contains("--on-existing"),
                    said());
            assertEquals("the target's own", t.get("PREEXISTING"));
            assertEquals(1, migrate("plan", "--source", source.uri(), "--target", target.uri()), said());
            assertTrue(out.toString().contains("holds 1 keys (e.g. \"PREEXISTING\")"), said());

            assertEquals(0, migrate(concat(base, "--state-dir", dir.resolve("b").toString(), "--on-existing", "skip")), said());
            assertEquals("the target's own", t.get("PREEXISTING"));
            assertEquals("x", t.get("only-on-source"));
            assertTrue(out.toString().contains("left 1 already on the target"), said());

            // A restart over the same state directory: the target holds what the first run loaded, and that is fine.
            assertEquals(0, migrate(concat(base, "--state-dir", dir.resolve("b").toString())), said());

            assertEquals(0, migrate(concat(base, "--state-dir", dir.resolve("c").toString(), "--on-existing", "replace")), said());
            assertEquals("from the source", t.get("PREEXISTING"));
        }
    }

    @Test
    void aRunThatCopiesNothingBecauseOfItsDbMapSaysSoAndFails(StandaloneRedis source) {
        try (Jedis s = source.jedis()) {
            s.set("k", "v");
        }
        try (StandaloneRedis target = StandaloneRedis.start()) {
            int code = migrate("run", "--source", source.uri(), "--target", target.uri(), "--snapshot-only", "--db-map", "only:9",
                    "--state-dir", dir.toString());
            assertEquals(1, code, said());
            assertTrue(err.toString().contains("NOTHING WAS COPIED") && err.toString().contains("--db-map only:9"), said());
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
