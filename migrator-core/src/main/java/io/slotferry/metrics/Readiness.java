package io.slotferry.metrics;

import java.time.Duration;
import java.util.List;

/**
 * Cutover readiness: every worker streaming and caught up, without a break, for {@link #HOLD}. A
 * single sample where one worker falls behind starts the wait over.
 */
public final class Readiness {
    /** How long every worker must stay caught up. */
    public static final Duration HOLD = Duration.ofSeconds(5);

    private long since = -1;

    /** Feeds one sample taken at {@code nanos}; returns how long every worker has been caught up, in ns (-1: not now). */
    public long observe(List<WorkerStatus> workers, long nanos) {
        boolean all = !workers.isEmpty() && workers.stream().allMatch(WorkerStatus::caughtUp);
        if (!all) {
            since = -1;
            return -1;
        }
        if (since < 0) {
            since = nanos;
        }
        return nanos - since;
    }

    /** True when {@code caughtUpNanos} (from {@link #observe}) covers {@link #HOLD}. */
    public static boolean ready(long caughtUpNanos) {
        return caughtUpNanos >= HOLD.toNanos();
    }
}
