package io.slotferry.rdb.encoding;

import java.nio.charset.StandardCharsets;

/**
 * Walks the elements of one encoded blob in order. Integer entries are returned as their decimal
 * ASCII form, as Redis itself returns them.
 */
public interface ElementCursor {
    boolean hasNext();

    byte[] next() throws CorruptEncodingException;

    /** The next element as a number (integer entries directly; string entries parsed as decimal). */
    default long nextLong() throws CorruptEncodingException {
        byte[] b = next();
        try {
            return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new CorruptEncodingException(-1, "an integer element", "found a non-numeric string");
        }
    }

    /** Decimal ASCII bytes of a number (how Redis renders integer-encoded elements). */
    static byte[] decimal(long v) {
        if (v >= 0 && v < 10) {
            return new byte[] {(byte) ('0' + v)};
        }
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    /** A cursor over exactly one element (a PLAIN quicklist node). */
    static ElementCursor single(byte[] element) {
        return new ElementCursor() {
            private boolean done;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public byte[] next() {
                done = true;
                return element;
            }
        };
    }
}
