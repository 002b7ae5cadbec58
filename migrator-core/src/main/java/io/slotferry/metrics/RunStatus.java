package io.slotferry.metrics;

import java.util.List;

/**
 * A whole run at one moment: what {@code --status-file} and {@code /status} hold.
 *
 * @param time             when it was taken (ISO-8601, UTC)
 * @param readyForCutover  every worker caught up for {@link Readiness#HOLD} in a row
 * @param caughtUpSeconds  how long every worker has been caught up (0 when one is not)
 * @param workers          one entry per source instance
 * @param safeToSwitch     every worker streaming with lag exactly 0 and no write applied for {@link #QUIET}: the
 *                         writers have stopped and everything they wrote is on the target; switch now
 */
public record RunStatus(String time, boolean readyForCutover, double caughtUpSeconds, List<WorkerStatus> workers,
        boolean safeToSwitch) {
    /** How long no write may have arrived, with lag 0 everywhere, before {@link #safeToSwitch}. */
    public static final java.time.Duration QUIET = java.time.Duration.ofSeconds(2);

    public RunStatus {
        workers = List.copyOf(workers);
    }
}
