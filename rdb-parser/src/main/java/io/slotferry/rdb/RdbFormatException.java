package io.slotferry.rdb;

import java.io.IOException;

/**
 * The RDB input does not follow the format: truncated, a bad length, a bad checksum, an unknown type
 * or opcode, a corrupt encoded blob, or a declared size beyond the configured limits.
 *
 * <p>Always carries the absolute byte offset at which the problem was found and what the parser
 * expected there, so an operator can look at the file with a hex dump.
 */
public final class RdbFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long offset;
    private final String expected;

    public RdbFormatException(long offset, String expected, String problem) {
        super("RDB format error at byte offset " + offset + ": expected " + expected + ", but "
                + (problem.startsWith("but ") ? problem.substring(4) : problem));
        this.offset = offset;
        this.expected = expected;
    }

    /** Absolute offset (from the first byte of the RDB, i.e. the magic) where the problem was found. */
    public long offset() {
        return offset;
    }

    /** What the parser expected at {@link #offset()}. */
    public String expected() {
        return expected;
    }
}
