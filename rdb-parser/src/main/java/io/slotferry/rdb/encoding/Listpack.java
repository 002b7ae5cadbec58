package io.slotferry.rdb.encoding;

/**
 * A listpack blob (RDB 10+ small collections, quicklist 2 nodes, stream nodes since RDB 9): header
 * total bytes (4 LE) and element count (2 LE, 65535 = unknown); entries of an encoding byte, data and
 * a 1-5 byte backlen; end byte 0xFF. Encodings: 0xxxxxxx uint7; 10xxxxxx str6; 110xxxxx int13;
 * 1110xxxx str12; 0xF0 str32 (4 LE); 0xF1 int16, 0xF2 int24, 0xF3 int32, 0xF4 int64.
 */
public final class Listpack extends PackedEntries {
    private static final int HEADER = 6;

    private final int declaredCount;

    public Listpack(byte[] blob) throws CorruptEncodingException {
        this(blob, blob.length);
    }

    /** The listpack {@code blob[0, length)} (a reused buffer, for validation without allocation). */
    public Listpack(byte[] blob, int length) throws CorruptEncodingException {
        super(blob, length, HEADER);
        if (length < HEADER + 1) {
            throw new CorruptEncodingException(0, "a listpack of at least 7 bytes", "the blob has " + length);
        }
        int total = Intset.le32(blob, 0);
        if (total != length) {
            throw new CorruptEncodingException(0, "a listpack total size equal to the blob length " + length, "found " + total);
        }
        if ((blob[length - 1] & 0xff) != 0xff) {
            throw new CorruptEncodingException(length - 1, "the listpack end byte 0xFF", "found another byte");
        }
        this.declaredCount = (blob[4] & 0xff) | (blob[5] & 0xff) << 8;
        if (!hasNext()) {
            finish(); // an empty blob is only checked here
        }
    }

    @Override
    String name() {
        return "listpack";
    }

    @Override
    void advance() throws CorruptEncodingException {
        int start = p;
        int b = blob[p] & 0xff;
        isInt = true;
        int size; // encoding byte(s) + data
        if ((b & 0x80) == 0) {
            intValue = b;
            size = 1;
        } else if ((b & 0xc0) == 0x80) {
            isInt = false;
            strLen = b & 0x3f;
            strStart = p + 1;
            size = 1 + strLen;
        } else if ((b & 0xe0) == 0xc0) {
            need(2, "a 13-bit integer");
            int v = (b & 0x1f) << 8 | (blob[p + 1] & 0xff);
            intValue = v >= 4096 ? v - 8192 : v;
            size = 2;
        } else if ((b & 0xf0) == 0xe0) {
            need(2, "a 12-bit string length");
            isInt = false;
            strLen = (b & 0x0f) << 8 | (blob[p + 1] & 0xff);
            strStart = p + 2;
            size = 2 + strLen;
        } else {
            switch (b) {
                case 0xf0 -> {
                    need(5, "a 32-bit string length");
                    isInt = false;
                    strLen = Intset.le32(blob, p + 1);
                    if (strLen < 0) {
                        throw new CorruptEncodingException(p, "a non-negative string length", "found " + strLen);
                    }
                    strStart = p + 5;
                    size = 5 + strLen;
                }
                case 0xf1 -> size = readInt(2);
                case 0xf2 -> size = readInt(3);
                case 0xf3 -> size = readInt(4);
                case 0xf4 -> size = readInt(8);
                default -> throw new CorruptEncodingException(p, "a listpack entry encoding", String.format("found 0x%02x", b));
            }
        }
        long entry = (long) size + backlenSize(size);
        need(entry, "an entry of ", " bytes");
        p = start + (int) entry;
        seen++;
        if (!hasNext()) {
            finish();
        }
    }

    private int readInt(int width) throws CorruptEncodingException {
        need(1L + width, "an integer of ", " bytes with its encoding byte");
        readSigned(p + 1, width);
        return 1 + width;
    }

    private static int backlenSize(int l) {
        if (l <= 127) {
            return 1;
        } else if (l < 16383) {
            return 2;
        } else if (l < 2097151) {
            return 3;
        } else if (l < 268435455) {
            return 4;
        }
        return 5;
    }

    @Override
    void finish() throws CorruptEncodingException {
        if (p != length - 1) {
            throw new CorruptEncodingException(p, "the end byte at " + (length - 1), "found it at " + p);
        }
        if (declaredCount != 0xffff && declaredCount != seen) {
            throw new CorruptEncodingException(4, "an element count equal to the " + seen + " entries", "found " + declaredCount);
        }
    }
}
