package io.slotferry.verify;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts mode: when the TTLs of counted source keys run out, per destination and second, so the
 * keys that expired between the source count and the end of the target count explain a shortfall.
 * Only expiries within {@link #HORIZON_MS} of the start are kept (memory: at most one entry per
 * second of the horizon and destination); a run longer than that undercounts the explanation.
 */
final class ExpiryWindow {
    static final long HORIZON_MS = 6 * 3600_000L;

    private final long startMs;
    private final Map<Integer, TreeMap<Long, Long>> bySecond = new HashMap<>();

    ExpiryWindow(long startMs) {
        this.startMs = startMs;
    }

    synchronized void add(int bucket, long expiresAtMs) {
        if (expiresAtMs - startMs <= HORIZON_MS) {
            bySecond.computeIfAbsent(bucket, b -> new TreeMap<>()).merge(expiresAtMs / 1000, 1L, Long::sum);
        }
    }

    /** Keys of {@code bucket} that expire at or before {@code atMs} (rounded up to the second). */
    synchronized long expiredBy(int bucket, long atMs) {
        TreeMap<Long, Long> m = bySecond.get(bucket);
        if (m == null) {
            return 0;
        }
        long n = 0;
        for (long c : m.headMap(atMs / 1000, true).values()) {
            n += c;
        }
        return n;
    }
}
