package io.slotferry.migration;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link Migration} runs and reports.
 *
 * @param statusFile   where the status JSON is replaced every interval (null: none)
 * @param metricsPort  port of {@code /metrics} and {@code /status} on 127.0.0.1 (-1: no server, 0: any free port)
 * @param snapshotOnly live workers stop once their snapshot is loaded (a later run streams from there)
 * @param keepGoing    a failed worker does not stop the others
 * @param interval     how often the status is taken
 * @param freezeCodis  pause the Codis dashboards' slot actions for the run (resumed when it ends)
 */
public record RunOptions(Path statusFile, int metricsPort, boolean snapshotOnly, boolean keepGoing, Duration interval,
        boolean freezeCodis) {

    /** No status file, no server, stream until stopped, stop on the first failure, one status per second. */
    public static RunOptions defaults() {
        return new RunOptions(null, -1, false, false, Duration.ofSeconds(1), false);
    }

    public RunOptions withStatusFile(Path file) {
        return new RunOptions(file, metricsPort, snapshotOnly, keepGoing, interval, freezeCodis);
    }

    public RunOptions withMetricsPort(int port) {
        return new RunOptions(statusFile, port, snapshotOnly, keepGoing, interval, freezeCodis);
    }

    public RunOptions withSnapshotOnly(boolean only) {
        return new RunOptions(statusFile, metricsPort, only, keepGoing, interval, freezeCodis);
    }

    public RunOptions withKeepGoing(boolean keep) {
        return new RunOptions(statusFile, metricsPort, snapshotOnly, keep, interval, freezeCodis);
    }

    public RunOptions withInterval(Duration every) {
        return new RunOptions(statusFile, metricsPort, snapshotOnly, keepGoing, every, freezeCodis);
    }

    public RunOptions withCodisFreeze(boolean freeze) {
        return new RunOptions(statusFile, metricsPort, snapshotOnly, keepGoing, interval, freeze);
    }
}
