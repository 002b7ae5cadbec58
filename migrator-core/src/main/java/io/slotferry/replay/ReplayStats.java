package io.slotferry.replay;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the replay, readable from any thread: commands by what happened to them. Every command
 * of the stream is counted once, under {@code applied}, {@code split}, {@code emulated},
 * {@code broadcast}, {@code flushed} or one {@code skipped:REASON}, so the totals show that nothing
 * went missing.
 */
public final class ReplayStats {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void count(String what) {
        counter(what).increment();
    }

    /**
     * The counter {@code what} itself, created (and shown from now on) if it was not yet: for counts on
     * every command's path, kept by the caller after its first count so no map is looked up per command.
     */
    LongAdder counter(String what) {
        return counts.computeIfAbsent(what, k -> new LongAdder());
    }

    void skipped(String reason) {
        count("skipped:" + reason);
    }

    /** A sorted copy of every counter. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** One counter; 0 when it never moved. */
    public long get(String what) {
        LongAdder a = counts.get(what);
        return a == null ? 0 : a.sum();
    }
}
