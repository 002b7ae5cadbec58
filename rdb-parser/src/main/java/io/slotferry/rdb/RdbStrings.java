package io.slotferry.rdb;

import io.slotferry.rdb.encoding.CorruptEncodingException;
import io.slotferry.rdb.encoding.ElementCursor;
import io.slotferry.rdb.encoding.Lzf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * RDB lengths, strings and doubles over an {@link RdbInput}: the primitives every value is built
 * from. Declared sizes are checked against {@link RdbOptions#maxElementBytes()} before anything is
 * allocated.
 */
final class RdbStrings {
    private static final int ENC_INT8 = 0;
    private static final int ENC_INT16 = 1;
    private static final int ENC_INT32 = 2;
    private static final int ENC_LZF = 3;

    /** Strings up to this size are read into reused buffers by {@link #readReused}. */
    private static final int REUSED_LIMIT = 1 << 20;

    private final RdbInput in;
    private final long maxElementBytes;
    private byte[] reused = new byte[0];
    private byte[] reusedCompressed = new byte[0];
    private int reusedLength;

    RdbStrings(RdbInput in, long maxElementBytes) {
        this.in = in;
        this.maxElementBytes = maxElementBytes;
    }

    /** A length: 6-bit, 14-bit, 32-bit (0x80) or 64-bit (0x81) big-endian. */
    long readLength(String what) throws IOException {
        int b = in.readUnsignedByte(what);
        if (b >> 6 == 3) {
            throw in.error(what, String.format("but found a string encoding prefix 0x%02x", b));
        }
        return lengthFrom(b, what);
    }

    /** A length read as an unsigned 64-bit number (stream IDs and counters, where -1 means "unknown"). */
    long readUnsignedLength(String what) throws IOException {
        int b = in.readUnsignedByte(what);
        if (b == 0x81) {
            return in.readLongBE(what);
        }
        if (b >> 6 == 3) {
            throw in.error(what, String.format("but found a string encoding prefix 0x%02x", b));
        }
        return lengthFrom(b, what);
    }

    /** A length that must fit an int (db numbers, counts of in-memory things). */
    int readIntLength(String what) throws IOException {
        long v = readLength(what);
        if (v > Integer.MAX_VALUE) {
            throw in.error(what, "but found " + v);
        }
        return (int) v;
    }

    byte[] readString(String what) throws IOException {
        int b = in.readUnsignedByte(what);
        long len = rawLengthFromPrefix(b, what);
        return len >= 0 ? in.readBytes(len, what) : readEncodedRest(b, what);
    }

    /**
     * Reads a string like {@link #readString} into a buffer this reader reuses (up to 1 MiB; a longer
     * one gets its own array), for blobs that are only checked: the string is the first
     * {@link #reusedLength()} bytes of the returned array, valid until the next call.
     */
    byte[] readReused(String what) throws IOException {
        int b = in.readUnsignedByte(what);
        long len = rawLengthFromPrefix(b, what);
        byte[] out;
        if (len >= 0 && len <= REUSED_LIMIT) {
            out = reuse((int) len);
            in.readFully(out, 0, (int) len, what);
            reusedLength = (int) len;
            return out;
        }
        out = len >= 0 ? in.readBytes(len, what) : (b & 0x3f) == ENC_LZF ? readLzf(what, true) : readEncodedRest(b, what);
        if (out != reused) {
            reusedLength = out.length;
        }
        return out;
    }

    /** The length of the string {@link #readReused} returned last. */
    int reusedLength() {
        return reusedLength;
    }

    private byte[] reuse(int len) {
        if (reused.length < len) {
            reused = new byte[Math.max(len, Math.min(REUSED_LIMIT, 2 * reused.length))];
        }
        return reused;
    }

    // Constant descriptions: these run once per compressed string, and their errors carry the offset.
    private static final String LZF_COMPRESSED_LENGTH = "the compressed length of an LZF string";
    private static final String LZF_UNCOMPRESSED_LENGTH = "the uncompressed length of an LZF string";
    private static final String LZF_DATA = "the data of an LZF string";

    private byte[] readLzf(String what) throws IOException {
        return readLzf(what, false);
    }

    /** An LZF string; with {@code reuse}, one of up to 1 MiB is read and decompressed into reused buffers. */
    private byte[] readLzf(String what, boolean reuse) throws IOException {
        long clen = readLength(LZF_COMPRESSED_LENGTH);
        long ulen = readLength(LZF_UNCOMPRESSED_LENGTH);
        checkSize(ulen, what);
        if (ulen > clen * Lzf.MAX_EXPANSION + 16) {
            throw in.error("an LZF uncompressed length LZF can reach from " + clen + " bytes", "but it declares " + ulen);
        }
        long at = in.offset();
        try {
            if (!reuse || clen > REUSED_LIMIT || ulen > REUSED_LIMIT) {
                return Lzf.decompress(in.readBytes(clen, LZF_DATA), (int) ulen);
            }
            if (reusedCompressed.length < clen) {
                reusedCompressed = new byte[(int) Math.max(clen, Math.min(REUSED_LIMIT, 2L * reusedCompressed.length))];
            }
            in.readFully(reusedCompressed, 0, (int) clen, LZF_DATA);
            byte[] out = reuse((int) ulen);
            Lzf.decompress(reusedCompressed, (int) clen, out, (int) ulen);
            reusedLength = (int) ulen;
            return out;
        } catch (CorruptEncodingException e) {
            throw new RdbFormatException(at + Math.max(0, e.position()), e.expected() + " in LZF data of " + what, e.problem());
        }
    }

    /** Skips a string without materialising it. */
    void skipString(String what) throws IOException {
        int b = in.readUnsignedByte(what);
        if (b >> 6 != 3) {
            long len = lengthFrom(b, what);
            checkSize(len, what);
            in.skip(len, what);
            return;
        }
        switch (b & 0x3f) {
            case ENC_INT8 -> in.skip(1, what);
            case ENC_INT16 -> in.skip(2, what);
            case ENC_INT32 -> in.skip(4, what);
            case ENC_LZF -> {
                long clen = readLength(LZF_COMPRESSED_LENGTH);
                long ulen = readLength(LZF_UNCOMPRESSED_LENGTH);
                checkSize(ulen, what);
                in.skip(clen, LZF_DATA);
            }
            default -> throw in.error(what, String.format("but found the unknown string encoding 0x%02x", b));
        }
    }

    /** For chunked top-level strings: the length of a raw string from its prefix byte, or -1 when encoded. */
    long rawLengthFromPrefix(int prefix, String what) throws IOException {
        if (prefix >> 6 == 3) {
            return -1;
        }
        long len = lengthFrom(prefix, what);
        checkSize(len, what);
        return len;
    }

    /** The rest of an encoded (int or LZF) string whose prefix byte was already read. */
    byte[] readEncodedRest(int prefix, String what) throws IOException {
        switch (prefix & 0x3f) {
            case ENC_INT8:
                return ElementCursor.decimal((byte) in.readUnsignedByte(what));
            case ENC_INT16: {
                int lo = in.readUnsignedByte(what);
                int hi = in.readUnsignedByte(what);
                return ElementCursor.decimal((short) (lo | hi << 8));
            }
            case ENC_INT32:
                return ElementCursor.decimal(in.readIntLE(what));
            case ENC_LZF:
                return readLzf(what);
            default:
                throw in.error(what, String.format("but found the unknown string encoding 0x%02x", prefix));
        }
    }

    private long lengthFrom(int b, String what) throws IOException {
        switch (b >> 6) {
            case 0:
                return b & 0x3f;
            case 1:
                return (b & 0x3f) << 8 | in.readUnsignedByte(what);
            default:
                if (b == 0x80) {
                    return in.readIntBE(what) & 0xffffffffL;
                } else if (b == 0x81) {
                    long v = in.readLongBE(what);
                    if (v < 0) {
                        throw in.error(what, "but the 64-bit length " + Long.toUnsignedString(v) + " is absurd");
                    }
                    return v;
                }
                throw in.error(what, String.format("but found the invalid length prefix 0x%02x", b));
        }
    }

    private void checkSize(long len, String what) throws RdbFormatException {
        if (len > maxElementBytes) {
            throw in.error(what + " of at most " + maxElementBytes + " bytes (maxElementBytes)", "but it declares " + len);
        }
    }

    /** A score as RDB 1-7 sorted sets store it: a 1-byte length then ASCII; 253 NaN, 254 +inf, 255 -inf. */
    double readStringDouble(String what) throws IOException {
        int len = in.readUnsignedByte(what);
        switch (len) {
            case 253:
                return Double.NaN;
            case 254:
                return Double.POSITIVE_INFINITY;
            case 255:
                return Double.NEGATIVE_INFINITY;
            default:
                byte[] b = in.readBytes(len, what);
                return parseDouble(b, what);
        }
    }

    void skipStringDouble(String what) throws IOException {
        int len = in.readUnsignedByte(what);
        if (len < 253) {
            in.skip(len, what);
        }
    }

    /** A binary IEEE 754 double, little-endian (ZSET_2, RDB 8+). */
    double readBinaryDouble(String what) throws IOException {
        return Double.longBitsToDouble(in.readLongLE(what));
    }

    double parseDouble(byte[] b, String what) throws RdbFormatException {
        Double d = parseScore(b);
        if (d == null) {
            throw in.error(what + " as a decimal number", "but found '" + new String(b, StandardCharsets.ISO_8859_1) + "'");
        }
        return d;
    }

    /** Parses a score the way Redis prints it ({@code %.17g}, "inf", "-inf", "nan"); null when not a number. */
    static Double parseScore(byte[] b) {
        String s = new String(b, StandardCharsets.US_ASCII).trim();
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            case "nan", "-nan":
                return Double.NaN;
            default:
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    return null;
                }
        }
    }
}
