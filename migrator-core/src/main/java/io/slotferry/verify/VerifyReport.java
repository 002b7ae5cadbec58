package io.slotferry.verify;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one verification.
 *
 * @param mode      counts, sample or full
 * @param instances one entry per source instance, in the order given
 * @param buckets   counts mode: expected against found per mapped destination (empty otherwise)
 * @param targetKeys keys walked on the target (counts and full mode; the sampled ones in sample mode)
 * @param totals    differences per kind that stayed through every re-check (extra keys included)
 * @param examples  the first examples of each kind
 * @param busy      the first keys found still being written on both sides (not differences)
 * @param millis    how long verify took
 * @param repair    what {@code --repair} did (null without it)
 */
public record VerifyReport(VerifyMode mode, List<InstanceResult> instances, List<TargetBucket> buckets, long targetKeys,
        Map<DiffKind, Long> totals, List<Difference> examples, List<Difference> busy, long millis, RepairReport repair) {

    /**
     * The verdict: without {@code --repair}, {@link #clean()}; with it, true when every key found different was
     * repaired and compared equal again.
     */
    public boolean succeeded() {
        return repair == null ? clean() : repair.complete() && buckets.stream().allMatch(b -> b.unexplained() == 0);
    }

    /** True when nothing differs: no difference of any kind and every count explained. */
    public boolean clean() {
        for (long n : totals.values()) {
            if (n != 0) {
                return false;
            }
        }
        for (TargetBucket b : buckets) {
            if (b.unexplained() != 0) {
                return false;
            }
        }
        return true;
    }

    /** Differences of {@code kind}. */
    public long total(DiffKind kind) {
        return totals.getOrDefault(kind, 0L);
    }
}
