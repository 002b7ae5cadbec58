package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.Await;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** A state directory is used by one run at a time and only its owner can read what it holds. */
@ExtendWith(RealServers.class)
class StateDirectorySafetyIT {
    @TempDir
    Path dir;

    private final InProcessMigrate migrate = new InProcessMigrate();


    private MigrateProcess streaming(StandaloneRedis source, StandaloneRedis target, Path state) throws IOException {
        MigrateProcess run = MigrateProcess.start(dir.resolve("run.log"), Map.of(), "run", "--source", source.uri(),
                "--target", target.uri(), "--state-dir", state.toString(), "--progress-interval", "200ms");
        try {
            Await.until("the first run streams", Duration.ofSeconds(60), () -> run.output().contains("STREAMING")
                    || !run.alive());
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "\n" + run.output(), e);
        }
        assertTrue(run.alive(), run.output());
        return run;
    }

    @Test
    void aSecondRunOnTheSameStateDirectoryIsRefusedNamingTheDirectoryAndTheFirstRunsPid(StandaloneRedis source)
            throws Exception {
        try (Jedis j = source.jedis()) {
            j.set("counter", "1");
        }
        Path state = dir.resolve("state");
        try (StandaloneRedis target = StandaloneRedis.start(); MigrateProcess first = streaming(source, target, state)) {
            long pid = Long.parseLong(Files.readString(state.resolve("lock")).trim());
            int code = migrate.run("run", "--source", source.uri(), "--target", target.uri(), "--state-dir", state.toString());
            assertEquals(1, code, migrate.said());
            assertTrue(migrate.err().contains("state directory " + state + " is in use by another migrate process (pid " + pid
                    + ")"), migrate.err());
            assertTrue(first.alive(), "the first run goes on\n" + first.output());
            assertEquals(0, first.terminate(20), first.output());
        }
    }

    @Test
    void theStateDirectoryIsOwnerOnlyAndEveryFileInItTooSnapshotAndSpoolIncluded(StandaloneRedis source) throws Exception {
        try (Jedis j = source.jedis()) {
            j.set("secret", "value");
        }
        Path state = dir.resolve("state");
        try (StandaloneRedis target = StandaloneRedis.start(); MigrateProcess run = streaming(source, target, state)) {
            try (Jedis j = source.jedis()) {
                j.set("more", "stream"); // a spool segment with a value in it
            }
            Await.until("the target has the streamed key", Duration.ofSeconds(20), () -> {
                try (Jedis t = target.jedis()) {
                    return t.exists("more");
                }
            });
            List<String> wide = new ArrayList<>();
            List<String> seen = new ArrayList<>();
            try (Stream<Path> all = Files.walk(state)) {
                for (Path p : all.toList()) {
                    String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                    String name = state.relativize(p).toString();
                    seen.add(name);
                    if (!perms.equals(Files.isDirectory(p) ? "rwx------" : "rw-------")) {
                        wide.add(name + " " + perms);
                    }
                }
            }
            assertTrue(seen.stream().anyMatch(n -> n.matches("work-.*/stream-.*\\.seg")), seen.toString());
            assertTrue(seen.stream().anyMatch(n -> n.endsWith("status.json")) && seen.stream().anyMatch(n -> n.startsWith("checkpoint-")),
                    seen.toString());
            assertEquals(List.of(), wide, "every path in " + seen);
            assertEquals(0, run.terminate(20), run.output());
        }
    }

    @Test
    void anExistingStateDirectoryOthersCanReadGetsAWarning(StandaloneRedis source) throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (StandaloneRedis target = StandaloneRedis.start()) {
            int code = migrate.run("run", "--source", source.uri(), "--target", target.uri(), "--state-dir", state.toString(),
                    "--snapshot-only");
            assertEquals(0, code, migrate.said());
            assertTrue(migrate.err().contains("WARNING: state directory " + state + " may be read by other users"), migrate.err());
        }
    }
}
