package io.slotferry.rdb.encoding;

import java.util.Arrays;

/**
 * A zipmap blob (hashes in RDB 2-3, Redis ≤ 2.4): a 1-byte count, then entries of key length, key,
 * value length, 1 "free" byte, value and that many unused bytes, ended by 0xFF. A length below 254
 * is one byte; 254 means a 4-byte little-endian length follows.
 */
public final class Zipmap implements ElementCursor {
    private final byte[] blob;
    private int p = 1;
    private boolean expectValue;

    public Zipmap(byte[] blob) throws CorruptEncodingException {
        if (blob.length < 2 || (blob[blob.length - 1] & 0xff) != 0xff) {
            throw new CorruptEncodingException(Math.max(0, blob.length - 1), "a zipmap ending in 0xFF", "it does not");
        }
        this.blob = blob;
    }

    @Override
    public boolean hasNext() {
        return p < blob.length && (blob[p] & 0xff) != 0xff;
    }

    @Override
    public byte[] next() throws CorruptEncodingException {
        int len = readLength();
        int free = 0;
        if (expectValue) {
            check(1, "a zipmap free byte");
            free = blob[p++] & 0xff;
        }
        check((long) len + free, "a zipmap " + (expectValue ? "value" : "key") + " of " + len + " bytes");
        byte[] out = Arrays.copyOfRange(blob, p, p + len);
        p += len + free;
        expectValue = !expectValue;
        return out;
    }

    private int readLength() throws CorruptEncodingException {
        check(1, "a zipmap length");
        int b = blob[p] & 0xff;
        if (b < 254) {
            p++;
            return b;
        }
        if (b == 254) {
            check(5, "a 4-byte zipmap length");
            int len = Intset.le32(blob, p + 1);
            p += 5;
            if (len < 0) {
                throw new CorruptEncodingException(p - 4, "a non-negative zipmap length", "found " + len);
            }
            return len;
        }
        throw new CorruptEncodingException(p, "a zipmap length", "found the end marker inside an entry");
    }

    private void check(long n, String what) throws CorruptEncodingException {
        if (p + n > blob.length - 1) {
            throw new CorruptEncodingException(p, what, "the zipmap ends first");
        }
    }
}
