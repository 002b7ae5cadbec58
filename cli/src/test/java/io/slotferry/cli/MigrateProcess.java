package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.fixture.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code migrate} as an operator starts it: a JVM process of its own (so it can be sent SIGTERM or
 * killed with SIGKILL), on the test's class path, with its output in a file.
 */
final class MigrateProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Path log;

    private MigrateProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static MigrateProcess start(Path log, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Migrate.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return new MigrateProcess(pb.start(), log);
    }

    /** SIGTERM, then the exit code (waits at most {@code seconds}; -1 if it did not exit). */
    int terminate(long seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** Waits for the process to end by itself; its exit code, or -1 if it still runs after {@code seconds}. */
    int waitFor(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** SIGKILL: no checkpoint, no drain, as a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * The status file {@code statusFile} (its {@code --status-file}) once {@code condition} holds, waiting up to
     * {@code wait}; fails when the process exits first, or when the file is not valid JSON.
     */
    JsonNode awaitStatus(Path statusFile, String what, java.time.Duration wait, Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        Await.until(what + "\n" + output(), wait, () -> {
            assertTrue(alive(), "migrate run exited:\n" + output());
            if (!Files.exists(statusFile)) {
                return false;
            }
            try {
                last[0] = JSON.readTree(statusFile.toFile());
            } catch (IOException e) {
                throw new AssertionError("the status file is not valid JSON", e);
            }
            return condition.test(last[0]);
        });
        return last[0];
    }

    boolean alive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
