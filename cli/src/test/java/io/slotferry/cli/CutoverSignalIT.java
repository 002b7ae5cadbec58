package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.fixture.Await;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The status while streaming: the applied offset is never shown ahead of the source's, and "safe to switch"
 * is distinct from "ready for cutover": it appears only once writes have stopped and lag is 0.
 */
@ExtendWith(RealServers.class)
class CutoverSignalIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private JsonNode status() {
        try {
            Path f = dir.resolve("status.json");
            return Files.exists(f) ? JSON.readTree(f.toFile()) : null;
        } catch (IOException e) {
            return null; // replaced atomically, but a read may race with the first write
        }
    }

    @Test
    void appliedNeverExceedsTheSourceAndSafeToSwitchComesOnlyAfterWritesStop(StandaloneRedis source) throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        List<String> violations = new ArrayList<>();
        try (StandaloneRedis target = StandaloneRedis.start();
                MigrateProcess run = MigrateProcess.start(dir.resolve("run.log"), Map.of(), "run", "--source", source.uri(),
                        "--target", target.uri(), "--state-dir", dir.resolve("s").toString(), "--progress-interval", "200ms",
                        "--status-file", dir.resolve("status.json").toString())) {
            Thread writer = new Thread(() -> {
                try (Jedis j = source.jedis()) {
                    while (writing.get()) {
                        j.incr("counter");
                        j.rpush("list", "x".repeat(100));
                        Thread.sleep(5);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            writer.start();
            try {
                Await.until("ready for cutover while writes go on", Duration.ofSeconds(60), () -> {
                    JsonNode s = status();
                    check(s, violations, true);
                    return s != null && s.get("ready_for_cutover").asBoolean();
                });
                long until = System.currentTimeMillis() + 3000;
                while (System.currentTimeMillis() < until) {
                    check(status(), violations, true);
                    Thread.sleep(50);
                }
            } finally {
                writing.set(false);
                writer.join();
            }
            Await.until("safe to switch once writes stopped", Duration.ofSeconds(30), () -> {
                JsonNode s = status();
                check(s, violations, false);
                return s != null && s.get("safe_to_switch").asBoolean();
            });
            assertEquals(List.of(), violations, run.output());
            Await.until("the progress line says so", Duration.ofSeconds(10), () -> run.output().contains("SAFE TO SWITCH NOW"));
            try (Jedis s = source.jedis(); Jedis t = target.jedis()) {
                assertEquals(s.get("counter"), t.get("counter"), "safe to switch means the target holds every write");
            }
            assertEquals(0, run.terminate(20), run.output());
        }
    }

    private static void check(JsonNode s, List<String> violations, boolean writesRunning) {
        if (s == null) {
            return;
        }
        for (JsonNode w : s.get("workers")) {
            long source = w.get("master_repl_offset").asLong();
            long applied = w.get("applied_offset").asLong();
            if (source >= 0 && applied > source) {
                violations.add("applied " + applied + " > source " + source + " at " + s.get("time"));
            }
        }
        if (writesRunning && s.get("safe_to_switch").asBoolean()) {
            violations.add("safe_to_switch while writes run at " + s.get("time"));
        }
    }
}
