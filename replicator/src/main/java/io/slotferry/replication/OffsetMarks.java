package io.slotferry.replication;

/**
 * When stream bytes were received: marks {@code (offset, millis)} meaning "the socket read that
 * returned at {@code millis} completed every command ending at or below {@code offset}". A command
 * ending at {@code E} was received at the earliest mark whose offset is {@code >= E}.
 *
 * <p>Bounded memory: a mark is added only by a read that completes at least one command, and reads
 * within the same millisecond share one mark (the later offset replaces the earlier), so there is at
 * most one mark per socket read and per millisecond of stream received but not yet delivered — 16
 * bytes each in two primitive rings. {@link #receivedAt(long)} frees the marks below the command it
 * is asked about, so marks live only as long as their commands wait in the spool. A hard cap
 * ({@link #DEFAULT_CAP} marks, 16 MiB: about 17 minutes of a backlog busy every millisecond) keeps a
 * consumer that lags for hours from growing them further: at the cap, neighbouring marks are merged
 * pairwise, each pair keeping the later offset and the <em>earlier</em> time. Precision then halves,
 * and the error is always towards an earlier time, never a later one: a TTL made absolute from it
 * ends early rather than late, as the master's own (it ran the command before we received it).
 *
 * <p>Times never decrease: a wall clock stepped back (NTP) is held at the last mark's time, since a
 * later command cannot have been received before an earlier one. Not thread-safe: {@link Spool}
 * guards it.
 */
final class ReceiveMarks {
    static final int DEFAULT_CAP = 1 << 20;

    private final int cap;
    private long[] offsets = new long[64];
    private long[] millis = new long[64];
    private int head;
    private int size;

    ReceiveMarks() {
        this(DEFAULT_CAP);
    }

    /** {@code cap}: most marks held (at least 2), for tests of the merge. */
    ReceiveMarks(int cap) {
        if (cap < 2) {
            throw new IllegalArgumentException("cap must be at least 2, got " + cap);
        }
        this.cap = cap;
    }

    /** The read that returned at {@code at} completed every command up to {@code offset}. */
    void record(long offset, long at) {
        if (size > 0) {
            int last = index(size - 1);
            if (offset < offsets[last]) {
                throw new IllegalArgumentException("mark at " + offset + " after one at " + offsets[last]);
            }
            if (at <= millis[last]) {
                offsets[last] = offset; // same millisecond (or a clock stepped back): one mark covers both reads
                return;
            }
        }
        if (size >= cap) {
            mergePairs();
        }
        if (size == offsets.length) {
            grow(); // never past cap: offsets.length stays within twice the cap
        }
        int i = index(size++);
        offsets[i] = offset;
        millis[i] = at;
    }

    /**
     * When the command ending at {@code end} was received, or -1 when no mark covers it (a full sync
     * cleared the marks of its generation). Marks below {@code end} are dropped: commands are asked
     * about in stream order, so no later one needs them.
     */
    long receivedAt(long end) {
        while (size > 0 && offsets[head] < end) {
            head = (head + 1) % offsets.length;
            size--;
        }
        return size == 0 ? -1 : millis[head];
    }

    /**
     * The time of the first mark past {@code offset}, or -1 when nothing past it was received: the
     * receive time of the oldest command after {@code offset}, or an earlier one (never a later one).
     * Frees nothing.
     */
    long firstAfter(long offset) {
        for (int i = 0; i < size; i++) {
            if (offsets[index(i)] > offset) {
                return millis[index(i)];
            }
        }
        return -1;
    }

    /** How many marks are held (for tests of the bound). */
    int size() {
        return size;
    }

    void clear() {
        head = 0;
        size = 0;
    }

    private int index(int i) {
        return (head + i) % offsets.length;
    }

    /** Halves the marks: each pair covers both ranges with the earlier time (see the class comment). */
    private void mergePairs() {
        int kept = 0;
        for (int i = 0; i < size; i += 2) {
            int first = index(i);
            int last = index(Math.min(i + 1, size - 1));
            long at = millis[first];
            long offset = offsets[last];
            // Reading ahead of writing: slot kept (from head) is never a slot still to be read.
            int to = index(kept++);
            offsets[to] = offset;
            millis[to] = at;
        }
        size = kept;
    }

    private void grow() {
        long[] o = new long[offsets.length * 2];
        long[] m = new long[offsets.length * 2];
        for (int i = 0; i < size; i++) {
            o[i] = offsets[index(i)];
            m[i] = millis[index(i)];
        }
        offsets = o;
        millis = m;
        head = 0;
    }
}
