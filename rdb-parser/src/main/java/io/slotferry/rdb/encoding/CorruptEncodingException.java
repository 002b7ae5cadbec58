package io.slotferry.rdb.encoding;

/**
 * An encoded blob (ziplist, listpack, intset, zipmap, LZF data) is internally inconsistent. The
 * position is relative to the blob's first byte; the RDB reader adds the blob's file offset.
 */
public final class CorruptEncodingException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int position;
    private final String expected;

    public CorruptEncodingException(int position, String expected, String problem) {
        super("at blob position " + position + ": expected " + expected + ", " + problem);
        this.position = position;
        this.expected = expected;
    }

    public int position() {
        return position;
    }

    public String expected() {
        return expected;
    }

    public String problem() {
        String m = getMessage();
        return m.substring(m.indexOf(", ") + 2);
    }
}
