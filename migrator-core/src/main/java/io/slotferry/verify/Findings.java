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
}
