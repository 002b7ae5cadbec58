package io.slotferry.rdb;

/** A stream entry ID {@code <ms>-<seq>}; both parts are unsigned 64-bit numbers. */
public record StreamId(long ms, long seq) implements Comparable<StreamId> {
    public static final StreamId ZERO = new StreamId(0, 0);

    @Override
    public int compareTo(StreamId o) {
        int c = Long.compareUnsigned(ms, o.ms);
        return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
    }

    /** The form Redis prints, {@code 1526919030474-55}. */
    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }
}
