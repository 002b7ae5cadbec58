package io.slotferry.load;

import io.slotferry.rdb.Crc64;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes small RDB files for unit tests, in the plain encodings every version reads: strings, linked
 * lists (1), hashtable sets (2), ZSET_2 (5) and hashtable hashes (4), with expiries and databases.
 */
final class TestRdb {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final int version;

    TestRdb(int version) {
        this.version = version;
        raw(String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII));
    }

    TestRdb selectDb(int db) {
        out.write(0xFE);
        return length(db);
    }

    TestRdb expireAt(long ms) {
        out.write(0xFC);
        for (int i = 0; i < 8; i++) {
            out.write((int) (ms >>> (8 * i)));
        }
        return this;
    }

    TestRdb string(String key, byte[] value) {
        out.write(0);
        return string(key).string(value);
    }

    TestRdb list(String key, List<String> elements) {
        out.write(1);
        string(key).length(elements.size());
        elements.forEach(this::string);
        return this;
    }

    TestRdb set(String key, List<String> members) {
        out.write(2);
        string(key).length(members.size());
        members.forEach(this::string);
        return this;
    }

    /** ZSET_2: member, then the score as an 8-byte little-endian double. */
    TestRdb zset(String key, List<String> members, double[] scores) {
        out.write(5);
        string(key).length(members.size());
        for (int i = 0; i < members.size(); i++) {
            string(members.get(i));
            long bits = Double.doubleToRawLongBits(scores[i]);
            for (int b = 0; b < 8; b++) {
                out.write((int) (bits >>> (8 * b)));
            }
        }
        return this;
    }

    TestRdb hash(String key, List<String> fieldsAndValues) {
        out.write(4);
        string(key).length(fieldsAndValues.size() / 2);
        fieldsAndValues.forEach(this::string);
        return this;
    }

    /** EOF and CRC-64; written to a temporary file the test owns. */
    Path write(Path dir) {
        out.write(0xFF);
        byte[] body = out.toByteArray();
        long crc = Crc64.of(body);
        for (int i = 0; i < 8 && version >= 5; i++) {
            out.write((int) (crc >>> (8 * i)));
        }
        try {
            return Files.write(Files.createTempFile(dir, "test-", ".rdb"), out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TestRdb string(String s) {
        return string(s.getBytes(StandardCharsets.UTF_8));
    }

    private TestRdb string(byte[] b) {
        length(b.length);
        raw(b);
        return this;
    }

    private TestRdb length(long n) {
        if (n < 64) {
            out.write((int) n);
        } else if (n < 16384) {
            out.write(0x40 | (int) (n >>> 8));
            out.write((int) n);
        } else {
            out.write(0x80);
            for (int i = 3; i >= 0; i--) {
                out.write((int) (n >>> (8 * i)));
            }
        }
        return this;
    }

    private void raw(byte[] b) {
        out.write(b, 0, b.length);
    }
}
