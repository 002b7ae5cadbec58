package io.slotferry.replication;

/**
 * Values that hold over ranges of stream offsets: marks {@code (offset, value)} where a mark covers
 * every command ending after the previous mark's offset and at or below its own. The one home of
 * offset → value bookkeeping: receive times (the {@link Spool}: when the socket read completing a
 * command returned; a worker: when its unacknowledged commands were received) and selected
 * databases (a worker: which database a checkpoint at the applied offset must name).
 *
 * <p>A new mark is started only when the value changes as its {@link Merge} rule says: otherwise
 * the last mark grows to cover the new offset. Marks are freed as their commands are delivered or
 * acknowledged ({@link #at}, {@link #release}).
 *
 * <p>Bounded memory: at most {@link #cap} marks (16 bytes each in two primitive rings;
 * {@link #DEFAULT_CAP} = 2^20 marks, 16 MiB). At the cap, {@link Merge#EARLIER} marks merge
 * pairwise, each pair keeping the later offset and the <em>earlier</em> value, so precision halves
 * and a time read is early, never late; {@link Merge#EXACT} marks never merge: {@link #record}
 * refuses and the caller frees marks first. Not thread-safe.
 */
public final class OffsetMarks {
    /** Most marks held by default: 2^20, 16 MiB. */
    public static final int DEFAULT_CAP = 1 << 20;

    /** When a value extends the last mark, and what happens at the cap. */
    public enum Merge {
        /**
         * Times: a value at or below the last mark's (the same millisecond, or a wall clock stepped
         * back, since a later command cannot have come earlier) extends it; at the cap pairs merge
         * towards the earlier time.
         */
        EARLIER,
        /** Exact values (databases): only an equal value extends the last mark; at the cap nothing merges. */
        EXACT
    }

    private final Merge merge;
    private final int cap;
    private long[] offsets = new long[64];
    private long[] values = new long[64];
    private int head;
    private int size;

    /** Receive times, at most {@link #DEFAULT_CAP} marks. */
    public static OffsetMarks times() {
        return new OffsetMarks(Merge.EARLIER, DEFAULT_CAP);
    }

    /** Selected databases, at most {@link #DEFAULT_CAP} marks. */
    public static OffsetMarks databases() {
        return new OffsetMarks(Merge.EXACT, DEFAULT_CAP);
    }

    /** {@code cap}: most marks held (at least 2); small caps are for tests of the bound. */
    public OffsetMarks(Merge merge, int cap) {
        if (cap < 2) {
            throw new IllegalArgumentException("cap must be at least 2, got " + cap);
        }
        this.merge = merge;
        this.cap = cap;
    }

    /**
     * Commands ending at or below {@code offset} (after the last mark) have {@code value}.
     *
     * @return false, and nothing recorded, when an {@link Merge#EXACT} series holds its cap of marks
     * @throws IllegalArgumentException when {@code offset} is below the last mark's
     */
    public boolean record(long offset, long value) {
        if (size > 0) {
            int last = index(size - 1);
            if (offset < offsets[last]) {
                throw new IllegalArgumentException("mark at " + offset + " after one at " + offsets[last]);
            }
            if (merge == Merge.EARLIER ? value <= values[last] : value == values[last]) {
                offsets[last] = offset; // one mark covers both
                return true;
            }
        }
        if (size >= cap) {
            if (merge == Merge.EXACT) {
                return false;
            }
            mergePairs();
        }
        if (size == offsets.length) {
            grow(); // never past cap: offsets.length stays within twice the cap
        }
        int i = index(size++);
        offsets[i] = offset;
        values[i] = value;
        return true;
    }

    /**
     * The value of the command ending at {@code end}: the first mark at or past it, or -1 when no
     * mark covers it. Marks below {@code end} are dropped: offsets are asked about in stream order,
     * so no later question needs them.
     */
    public long at(long end) {
        while (size > 0 && offsets[head] < end) {
            drop();
        }
        return size == 0 ? -1 : values[head];
    }

    /**
     * The value of the first mark past {@code offset}, or -1 when none is: for times, when the oldest
     * command after {@code offset} was received, or earlier (never later). Frees nothing.
     */
    public long firstAfter(long offset) {
        for (int i = 0; i < size; i++) {
            if (offsets[index(i)] > offset) {
                return values[index(i)];
            }
        }
        return -1;
    }

    /** Drops the marks at or below {@code offset}: every command they cover is done with. */
    public void release(long offset) {
        while (size > 0 && offsets[head] <= offset) {
            drop();
        }
    }

    /** How many marks are held. */
    public int size() {
        return size;
    }

    /** The most marks held at once. */
    public int cap() {
        return cap;
    }

    public void clear() {
        head = 0;
        size = 0;
    }

    private void drop() {
        head = (head + 1) % offsets.length;
        size--;
    }

    private int index(int i) {
        return (head + i) % offsets.length;
    }

    /** Halves the marks: each pair covers both ranges with the earlier value (see the class comment). */
    private void mergePairs() {
        int kept = 0;
        for (int i = 0; i < size; i += 2) {
            int first = index(i);
            int last = index(Math.min(i + 1, size - 1));
            long value = values[first];
            long offset = offsets[last];
            // Reading ahead of writing: slot kept (from head) is never a slot still to be read.
            int to = index(kept++);
            offsets[to] = offset;
            values[to] = value;
        }
        size = kept;
    }

    private void grow() {
        long[] o = new long[offsets.length * 2];
        long[] v = new long[offsets.length * 2];
        for (int i = 0; i < size; i++) {
            o[i] = offsets[index(i)];
            v[i] = values[index(i)];
        }
        offsets = o;
        values = v;
        head = 0;
    }
}
