package io.slotferry.verify;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Differences that stayed, from every thread of one verification: totals per kind and the first examples of each. */
final class Findings {
    private final int examples;
    private final Map<DiffKind, Long> totals = new EnumMap<>(DiffKind.class);
    private final Map<DiffKind, List<Difference>> kept = new EnumMap<>(DiffKind.class);
    private final List<Difference> busy = new ArrayList<>();
    private final Map<DiffKind, Map<RepairOutcome, Long>> repairs = new EnumMap<>(DiffKind.class);
    private final Map<RepairOutcome, List<RepairedKey>> repairExamples = new EnumMap<>(RepairOutcome.class);

    Findings(int examples) {
        this.examples = examples;
        for (DiffKind k : DiffKind.values()) {
            totals.put(k, 0L);
            kept.put(k, new ArrayList<>());
        }
    }

    synchronized void add(Difference d) {
        totals.merge(d.kind(), 1L, Long::sum);
        List<Difference> list = kept.get(d.kind());
        if (list.size() < examples) {
            list.add(d);
        }
    }

    /** A key still being written on both sides (not a difference); the first examples are kept. */
    synchronized void busy(Difference d) {
        if (busy.size() < examples) {
            busy.add(d);
        }
    }

    synchronized List<Difference> busyExamples() {
        return new ArrayList<>(busy);
    }

    /** Differences confirmed so far, all kinds. */
    synchronized long confirmed() {
        long n = 0;
        for (long c : totals.values()) {
            n += c;
        }
        return n;
    }

    synchronized Map<DiffKind, Long> totals() {
        return new EnumMap<>(totals);
    }

    synchronized List<Difference> examples() {
        List<Difference> out = new ArrayList<>();
        for (DiffKind k : DiffKind.values()) {
            out.addAll(kept.get(k));
        }
        return out;
    }

    /** What {@code --repair} did about one key; the first examples of each outcome are kept. */
    synchronized void repaired(RepairedKey r) {
        repairs.computeIfAbsent(r.difference().kind(), k -> new EnumMap<>(RepairOutcome.class)).merge(r.outcome(), 1L, Long::sum);
        List<RepairedKey> list = repairExamples.computeIfAbsent(r.outcome(), k -> new ArrayList<>());
        if (list.size() < examples) {
            list.add(r);
        }
    }

    synchronized RepairReport repairReport() {
        Map<DiffKind, Map<RepairOutcome, Long>> totals = new EnumMap<>(DiffKind.class);
        repairs.forEach((k, m) -> totals.put(k, new EnumMap<>(m)));
        List<RepairedKey> out = new ArrayList<>();
        for (RepairOutcome o : RepairOutcome.values()) {
            out.addAll(repairExamples.getOrDefault(o, List.of()));
        }
        return new RepairReport(totals, out);
    }
}
