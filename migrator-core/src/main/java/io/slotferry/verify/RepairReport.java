package io.slotferry.verify;

import java.util.List;
import java.util.Map;

/**
 * What {@code --repair} did.
 *
 * @param totals   per kind of difference, per outcome
 * @param examples the first keys of each kind and outcome
 */
public record RepairReport(Map<DiffKind, Map<RepairOutcome, Long>> totals, List<RepairedKey> examples) {

    /** Keys of {@code kind} that ended as {@code outcome}. */
    public long count(DiffKind kind, RepairOutcome outcome) {
        Map<RepairOutcome, Long> m = totals.get(kind);
        return m == null ? 0 : m.getOrDefault(outcome, 0L);
    }

    /** True when every key found different was repaired and compared equal again (or settled by itself). */
    public boolean complete() {
        for (Map<RepairOutcome, Long> m : totals.values()) {
            for (Map.Entry<RepairOutcome, Long> e : m.entrySet()) {
                if (!e.getKey().resolved() && e.getValue() > 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
