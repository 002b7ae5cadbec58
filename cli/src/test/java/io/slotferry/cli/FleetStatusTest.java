package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.checkpoint.RunIdentity;
import io.slotferry.checkpoint.StateDirectory;
import io.slotferry.metrics.RunStatus;
import io.slotferry.metrics.WorkerStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetStatusTest {
    @TempDir
    Path dir;

    private Path run(String name, Instant time, boolean ready, String... sources) throws IOException {
        Path d = dir.resolve(name);
        StateDirectory state = StateDirectory.open(d, new RunIdentity(List.of(sources), "redis://target:6379"));
        List<WorkerStatus> workers = java.util.Arrays.stream(sources).map(s -> new WorkerStatus(s, "STREAMING", 1, 1, 100, 10, 0,
                -1, 500, 500, 500, 0, 0, ready, 1, 0, 0, null, Map.of())).toList();
        StateDirectory.writeAtomically(state.statusFile(), new RunStatus(time.toString(), ready, ready ? 6 : 0, workers, ready));
        return d;
    }

    private static String print(List<Path> dirs, List<String> urls, int exit) {
        StringWriter out = new StringWriter();
        assertEquals(exit, FleetStatus.print(dirs, urls, new PrintWriter(out)), out.toString());
        return out.toString();
    }

    @Test
    void theFleetIsReadyWhenEveryRunIsReadyAndFresh() throws IOException {
        String out = print(List.of(run("a", Instant.now(), true, "x/shard0", "x/shard1"), run("b", Instant.now(), true, "x/shard2")),
                List.of(), 0);
        assertTrue(out.contains("x/shard2") && out.contains("fleet: 3 instance(s) in 2 run(s), ready_for_cutover: true"), out);
    }

    @Test
    void oneRunNotReadyOrStaleOrAnInstanceInTwoRunsMakesTheFleetNotReady() throws IOException {
        Path ready = run("a", Instant.now(), true, "x/shard0");
        assertTrue(print(List.of(ready, run("b", Instant.now(), false, "x/shard1")), List.of(), 0)
                .contains("ready_for_cutover: false"));
        String stale = print(List.of(ready, run("c", Instant.now().minusSeconds(60), true, "x/shard1")), List.of(), 0);
        assertTrue(stale.contains("s old (the run is stopped, or not writing): not ready") && stale.contains("ready_for_cutover: false"),
                stale);
        String twice = print(List.of(ready, run("d", Instant.now(), true, "x/shard0")), List.of(), 0);
        assertTrue(twice.contains("x/shard0 appears in two runs") && twice.contains("ready_for_cutover: false"), twice);
    }

    @Test
    void aRunThatCannotBeReadIsNamedAndTheExitIsOne() throws IOException {
        String out = print(List.of(run("a", Instant.now(), true, "x/shard0"), dir.resolve("missing")),
                List.of("http://127.0.0.1:1/status"), 1);
        assertTrue(out.contains("missing") && out.contains("unreadable") && out.contains("http://127.0.0.1:1/status")
                && out.contains("ready_for_cutover: false"), out);
    }
}
