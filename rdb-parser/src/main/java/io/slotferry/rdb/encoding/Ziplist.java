package io.slotferry.rdb.encoding;

/**
 * A ziplist blob (RDB 2-9 lists, hashes, sorted sets and quicklist nodes): header {@code zlbytes}
 * (4 LE), {@code zltail} (4 LE), {@code zllen} (2 LE); entries of prevlen (1 byte, or 0xFE + 4 LE),
 * an encoding byte and data; end byte 0xFF. Encodings: 00xxxxxx / 01xxxxxx yyyyyyyy / 10000000 +4 BE
 * string lengths; 0xC0 int16, 0xD0 int32, 0xE0 int64, 0xF0 int24, 0xFE int8, 0xF1-0xFD immediates
 * 0-12.
 *
 * <p>Every entry is checked the way Redis' deep sanitisation does: bounds, prevlen equal to the
 * previous entry's size, zltail pointing at the last entry, and the entry count.
 */
public final class Ziplist extends PackedEntries {
    private static final int HEADER = 10;

    private final int declaredCount;
    private final int tail;
    private int prevSize;
    private int lastStart = -1;

    public Ziplist(byte[] blob) throws CorruptEncodingException {
        this(blob, blob.length);
    }

    /** The ziplist {@code blob[0, length)} (a reused buffer, for validation without allocation). */
    public Ziplist(byte[] blob, int length) throws CorruptEncodingException {
        super(blob, length, HEADER);
        if (length < HEADER + 1) {
            throw new CorruptEncodingException(0, "a ziplist of at least 11 bytes", "the blob has " + length);
        }
        int zlbytes = Intset.le32(blob, 0);
        if (zlbytes != length) {
            throw new CorruptEncodingException(0, "zlbytes equal to the blob length " + length, "found " + zlbytes);
        }
        this.tail = Intset.le32(blob, 4);
        this.declaredCount = (blob[8] & 0xff) | (blob[9] & 0xff) << 8;
        if ((blob[length - 1] & 0xff) != 0xff) {
            throw new CorruptEncodingException(length - 1, "the ziplist end byte 0xFF", "found another byte");
        }
        if (tail < HEADER || tail > length - 1) {
            throw new CorruptEncodingException(4, "zltail inside the ziplist", "found " + tail);
        }
        if (!hasNext()) {
            finish(); // an empty blob is only checked here
        }
    }

    @Override
    String name() {
        return "ziplist";
    }

    @Override
    void advance() throws CorruptEncodingException {
        int start = p;
        int prevlen = blob[p] & 0xff;
        if (prevlen == 0xfe) {
            need(5, "a 5-byte prevlen");
            prevlen = Intset.le32(blob, p + 1);
            p += 5;
        } else {
            p += 1;
        }
        if (prevlen != prevSize) {
            throw new CorruptEncodingException(start, "prevlen " + prevSize + " (the previous entry's size)", "found " + prevlen);
        }
        need(1, "an entry encoding");
        int enc = blob[p] & 0xff;
        isInt = false;
        switch (enc >> 6) {
            case 0 -> {
                strLen = enc & 0x3f;
                p += 1;
            }
            case 1 -> {
                need(2, "a 14-bit string length");
                strLen = (enc & 0x3f) << 8 | (blob[p + 1] & 0xff);
                p += 2;
            }
            case 2 -> {
                need(5, "a 32-bit string length");
                strLen = (blob[p + 1] & 0xff) << 24 | (blob[p + 2] & 0xff) << 16 | (blob[p + 3] & 0xff) << 8 | (blob[p + 4] & 0xff);
                if (strLen < 0) {
                    throw new CorruptEncodingException(p, "a non-negative string length", "found " + strLen);
                }
                p += 5;
            }
            default -> readInt(enc);
        }
        if (!isInt) {
            need(strLen, "a string of ", " bytes");
            strStart = p;
            p += strLen;
        }
        prevSize = p - start;
        lastStart = start;
        seen++;
        if (!hasNext()) {
            finish();
        }
    }

    private void readInt(int enc) throws CorruptEncodingException {
        isInt = true;
        int size;
        switch (enc) {
            case 0xc0 -> size = 2;
            case 0xd0 -> size = 4;
            case 0xe0 -> size = 8;
            case 0xf0 -> size = 3;
            case 0xfe -> size = 1;
            default -> {
                if (enc >= 0xf1 && enc <= 0xfd) {
                    intValue = (enc & 0x0f) - 1;
                    p += 1;
                    return;
                }
                throw new CorruptEncodingException(p, "a ziplist entry encoding", String.format("found 0x%02x", enc));
            }
        }
        need(1L + size, "an integer of ", " bytes with its encoding byte");
        readSigned(p + 1, size);
        p += 1 + size;
    }

    @Override
    void finish() throws CorruptEncodingException {
        if (p != length - 1) {
            throw new CorruptEncodingException(p, "the end byte at " + (length - 1), "found it at " + p);
        }
        int expectedTail = lastStart < 0 ? HEADER : lastStart;
        if (tail != expectedTail) {
            throw new CorruptEncodingException(4, "zltail " + expectedTail, "found " + tail);
        }
        if (declaredCount != 0xffff && declaredCount != seen) {
            throw new CorruptEncodingException(8, "zllen equal to the " + seen + " entries", "found " + declaredCount);
        }
    }
}
