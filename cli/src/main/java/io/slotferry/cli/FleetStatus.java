package io.slotferry.cli;

import io.slotferry.checkpoint.StateDirectory;
import io.slotferry.metrics.ByteCount;
import io.slotferry.metrics.RunStatus;
import io.slotferry.metrics.WorkerStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code migrate status} over several runs of one fleet (the processes of a split fleet, the pods of a
 * StatefulSet): each run's last status, from its state directory or its {@code /status} URL, as one table,
 * and one ready_for_cutover for the whole fleet: every run ready, every status fresh, no instance twice.
 */
final class FleetStatus {
    /** A status older than this says its run is stopped or stuck: the fleet is not ready. */
    private static final Duration STALE = Duration.ofSeconds(10);

    /** One run's status, or why it could not be read. */
    private record Run(String where, RunStatus status, String problem) {
    }

    private FleetStatus() {
    }

    /** Prints the fleet's table; returns 0 when every run could be read, 1 otherwise. */
    static int print(List<Path> stateDirs, List<String> urls, PrintWriter out) {
        List<Run> runs = new ArrayList<>();
        for (Path d : stateDirs) {
            runs.add(fromStateDir(d));
        }
        for (String u : urls) {
            runs.add(fromUrl(u));
        }
        out.println(String.format(Locale.ROOT, "%-34s %-28s %-10s %12s %8s %s", "RUN", "SOURCE", "PHASE", "LAG", "LAG s", "CAUGHT UP"));
        boolean ready = true;
        boolean complete = true;
        int instances = 0;
        Set<String> seen = new HashSet<>();
        List<String> notes = new ArrayList<>();
        for (Run r : runs) {
            if (r.status() == null) {
                out.println(String.format(Locale.ROOT, "%-34s %s", r.where(), "unreadable: " + r.problem()));
                ready = false;
                complete = false;
                continue;
            }
            Duration age = Duration.between(Instant.parse(r.status().time()), Instant.now());
            if (age.compareTo(STALE) > 0) {
                notes.add(r.where() + ": status " + age.getSeconds() + " s old (the run is stopped, or not writing): not ready");
                ready = false;
            }
            ready &= r.status().readyForCutover();
            for (WorkerStatus w : r.status().workers()) {
                instances++;
                if (!seen.add(w.source())) {
                    notes.add(w.source() + " appears in two runs: not ready");
                    ready = false;
                }
                out.println(String.format(Locale.ROOT, "%-34s %-28s %-10s %12s %8.1f %s", r.where(), w.source(), w.phase(),
                        ByteCount.format(w.lagBytes()), w.lagSeconds(), w.caughtUp() ? "yes" : "no"));
            }
        }
        notes.forEach(n -> out.println("note: " + n));
        out.println("fleet: " + instances + " instance(s) in " + runs.size() + " run(s), ready_for_cutover: " + ready);
        out.flush();
        return complete ? 0 : 1;
    }

    private static Run fromStateDir(Path dir) {
        try {
            StateDirectory state = StateDirectory.existing(dir);
            if (!Files.exists(state.statusFile())) {
                return new Run(dir.toString(), null, "no status yet (the run has not taken one)");
            }
            return new Run(dir.toString(), StateDirectory.json().readValue(state.statusFile().toFile(), RunStatus.class), null);
        } catch (IOException e) {
            return new Run(dir.toString(), null, e.getMessage());
        }
    }

    private static Run fromUrl(String url) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                return new Run(url, null, "HTTP " + r.statusCode());
            }
            RunStatus status = StateDirectory.json().readValue(r.body(), RunStatus.class);
            return status.time() == null ? new Run(url, null, "no status yet (the run has not taken one)") : new Run(url, status, null);
        } catch (IOException | IllegalArgumentException e) {
            return new Run(url, null, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(url, null, "interrupted");
        }
    }
}
