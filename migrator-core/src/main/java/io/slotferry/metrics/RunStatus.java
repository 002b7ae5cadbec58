package io.slotferry.metrics;

import java.util.List;

/**
 * A whole run at one moment: what {@code --status-file} and {@code /status} hold.
 *
 * @param time             when it was taken (ISO-8601, UTC)
 * @param readyForCutover  every worker caught up for {@link Readiness#HOLD} in a row
 * @param caughtUpSeconds  how long every worker has been caught up (0 when one is not)
 * @param workers          one entry per source instance
 */
public record RunStatus(String time, boolean readyForCutover, double caughtUpSeconds, List<WorkerStatus> workers) {
    public RunStatus {
        workers = List.copyOf(workers);
    }
}
