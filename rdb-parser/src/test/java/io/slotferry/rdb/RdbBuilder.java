package io.slotferry.rdb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes small RDB files for tests, byte by byte as the grammar in {@link RdbReader} describes. */
final class RdbBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final int version;

    RdbBuilder(int version) {
        this.version = version;
        raw(String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII));
    }

    RdbBuilder raw(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    RdbBuilder u8(int b) {
        out.write(b);
        return this;
    }

    RdbBuilder length(long n) {
        if (n < 64) {
            u8((int) n);
        } else if (n < 16384) {
            u8((int) (0x40 | n >> 8)).u8((int) (n & 0xff));
        } else if (n <= 0xffffffffL) {
            u8(0x80);
            for (int i = 3; i >= 0; i--) {
                u8((int) (n >>> (8 * i)) & 0xff);
            }
        } else {
            u8(0x81);
            for (int i = 7; i >= 0; i--) {
                u8((int) (n >>> (8 * i)) & 0xff);
            }
        }
        return this;
    }

    RdbBuilder string(byte[] b) {
        length(b.length);
        return raw(b);
    }

    RdbBuilder string(String s) {
        return string(s.getBytes(StandardCharsets.UTF_8));
    }

    RdbBuilder longLE(long v) {
        for (int i = 0; i < 8; i++) {
            u8((int) (v >>> (8 * i)) & 0xff);
        }
        return this;
    }

    RdbBuilder selectDb(int db) {
        return u8(0xFE).length(db);
    }

    RdbBuilder expireMs(long at) {
        return u8(0xFC).longLE(at);
    }

    RdbBuilder stringKey(String key, String value) {
        return u8(0).string(key).string(value);
    }

    RdbBuilder listKey(String key, int elements) {
        u8(1).string(key).length(elements);
        for (int i = 0; i < elements; i++) {
            string("element-" + i);
        }
        return this;
    }

    /** EOF opcode and, from RDB 5, the real CRC-64. */
    byte[] end() {
        u8(0xFF);
        if (version >= 5) {
            long crc = Crc64.of(out.toByteArray());
            longLE(crc);
        }
        return out.toByteArray();
    }

    /** EOF with a deliberately wrong checksum. */
    byte[] endWithChecksum(long crc) {
        u8(0xFF);
        longLE(crc);
        return out.toByteArray();
    }
}
