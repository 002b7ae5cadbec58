package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The hint after a target failure matches its cause, against real servers. */
@ExtendWith(RealServers.class)
class TargetHintsIT {
    @TempDir
    Path dir;

    private final InProcessMigrate migrate = new InProcessMigrate();


    @Test
    void aTargetAskingForAPasswordNamesTheVariableToSet(StandaloneRedis source) {
        try (StandaloneRedis target = StandaloneRedis.start()) {
            try (Jedis j = target.jedis()) {
                j.configSet("requirepass", "s3cret-target"); // after start: the fixture's start-up PING has no password
            }
            int code = migrate.run("run", "--source", source.uri(), "--target", target.uri(), "--state-dir", dir.toString());
            assertTrue(code != 0, migrate.said());
            assertTrue(migrate.err().contains("MIGRATE_TARGET_PASSWORD"), migrate.err());
            assertEquals(1, migrate.run("plan", "--source", source.uri(), "--target", target.uri()), migrate.said());
            assertTrue(migrate.out().contains("MIGRATE_TARGET_PASSWORD"), migrate.out());
            try (Jedis j = target.jedis()) {
                j.auth("s3cret-target");
                j.configSet("requirepass", ""); // so the fixture can stop it as usual
            }
        }
    }

    @Test
    void aClusterWithUncoveredSlotsIsAboutTheSlotsNotThePassword(StandaloneRedis source) {
        try (StandaloneRedis target = StandaloneRedis.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")) {
            assertEquals(1, migrate.run("plan", "--source", source.uri(), "--target", target.uri()), migrate.said());
            assertTrue(migrate.out().contains("slot"), migrate.out());
            assertTrue(!migrate.out().contains("password"), "no password hint for a slot problem\n" + migrate.out());
        }
    }
}
