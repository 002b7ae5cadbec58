package io.slotferry.rdb.encoding;

/**
 * An intset blob: 4-byte little-endian element width (2, 4 or 8), 4-byte count, then the sorted
 * signed little-endian integers.
 */
public final class Intset implements ElementCursor {
    private final byte[] blob;
    private final int width;
    private final int count;
    private int index;

    public Intset(byte[] blob) throws CorruptEncodingException {
        this(blob, blob.length);
    }

    /** The intset {@code blob[0, length)} (a reused buffer, for validation without allocation). */
    public Intset(byte[] blob, int length) throws CorruptEncodingException {
        if (length < 8) {
            throw new CorruptEncodingException(0, "an 8-byte intset header", "the blob has " + length + " bytes");
        }
        this.blob = blob;
        this.width = le32(blob, 0);
        this.count = le32(blob, 4);
        if (width != 2 && width != 4 && width != 8) {
            throw new CorruptEncodingException(0, "an intset width of 2, 4 or 8", "found " + width);
        }
        if (count < 0 || (long) count * width + 8 != length) {
            throw new CorruptEncodingException(4, "an intset of " + count + " x " + width + " bytes", "the blob has " + length + " bytes");
        }
    }

    public int size() {
        return count;
    }

    @Override
    public boolean hasNext() {
        return index < count;
    }

    @Override
    public byte[] next() {
        return ElementCursor.decimal(nextLong());
    }

    @Override
    public long nextLong() {
        int p = 8 + index++ * width;
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            v = v << 8 | (blob[p + i] & 0xff);
        }
        int shift = 64 - width * 8;
        return (v << shift) >> shift;
    }

    static int le32(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }
}
