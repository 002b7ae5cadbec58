package io.slotferry.rdb.encoding;

/**
 * LZF decompression (the liblzf format Redis uses for compressed strings): a control byte below 32
 * starts a run of ctrl+1 literals; otherwise the top 3 bits (7 = one more length byte) give the
 * length - 2 of a back reference up to 8 KiB behind.
 */
public final class Lzf {
    /** LZF can expand at most ~88x (a 3-byte reference yields 264 bytes); larger claims are corrupt. */
    public static final int MAX_EXPANSION = 89;

    private Lzf() {
    }

    public static byte[] decompress(byte[] in, int expectedLength) throws CorruptEncodingException {
        byte[] out = new byte[expectedLength];
        decompress(in, in.length, out, expectedLength);
        return out;
    }

    /**
     * Decompresses {@code in[0, inLength)} into {@code out[0, expectedLength)} ({@code out} may be longer:
     * a reused buffer); positions in errors are relative to {@code in}.
     */
    public static void decompress(byte[] in, int inLength, byte[] out, int expectedLength) throws CorruptEncodingException {
        int ip = 0;
        int op = 0;
        while (ip < inLength) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                int run = ctrl + 1;
                if (op + run > expectedLength) {
                    throw new CorruptEncodingException(ip, "a literal run within the declared length " + expectedLength, "it overflows");
                }
                if (ip + run > inLength) {
                    throw new CorruptEncodingException(ip, run + " literal bytes", "the compressed data ended");
                }
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
            } else {
                int len = ctrl >> 5;
                if (len == 7) {
                    if (ip >= inLength) {
                        throw new CorruptEncodingException(ip, "a back-reference length byte", "the compressed data ended");
                    }
                    len += in[ip++] & 0xff;
                }
                if (ip >= inLength) {
                    throw new CorruptEncodingException(ip, "a back-reference offset byte", "the compressed data ended");
                }
                int ref = op - ((ctrl & 0x1f) << 8) - (in[ip++] & 0xff) - 1;
                len += 2;
                if (ref < 0) {
                    throw new CorruptEncodingException(ip, "a back reference inside the output", "it points before its start");
                }
                if (op + len > expectedLength) {
                    throw new CorruptEncodingException(ip, "a back reference within the declared length " + expectedLength, "it overflows");
                }
                // Overlapping copies repeat bytes, so copy one at a time when the regions overlap.
                if (ref + len <= op) {
                    System.arraycopy(out, ref, out, op, len);
                    op += len;
                } else {
                    for (int i = 0; i < len; i++) {
                        out[op++] = out[ref++];
                    }
                }
            }
        }
        if (op != expectedLength) {
            throw new CorruptEncodingException(ip, expectedLength + " decompressed bytes", "got " + op);
        }
    }
}
