package io.slotferry.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RespReaderTest {

    /** An input that hands out at most a few bytes per read, cut at seeded random places. */
    private static final class Pieces extends InputStream {
        private final byte[] data;
        private final Random random;
        private final int most;
        private int at;

        Pieces(byte[] data, long seed, int most) {
            this.data = data;
            this.random = new Random(seed);
            this.most = most;
        }

        @Override
        public int read() {
            return at < data.length ? data[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, data.length - at), 1 + random.nextInt(most));
            System.arraycopy(data, at, b, off, n);
            at += n;
            return n;
        }
    }

    private static RespValue random(Random r, int depth) {
        return switch (r.nextInt(depth > 1 ? 6 : 7)) {
            case 0 -> new RespValue.SimpleString("OK");
            case 1 -> new RespValue.SimpleString(r.nextBoolean() ? "QUEUED" : "PONG");
            case 2 -> new RespValue.Integer(r.nextBoolean() ? r.nextInt(2000) - 1000 : r.nextLong());
            case 3 -> new RespValue.Error("WRONGTYPE Operation against a key holding the wrong kind of value");
            case 4 -> new RespValue.Bulk(r.nextInt(5) == 0 ? null : ("v" + r.nextInt()).getBytes(StandardCharsets.US_ASCII));
            case 5 -> new RespValue.SimpleString("");
            default -> {
                List<RespValue> items = new ArrayList<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    items.add(random(r, depth + 1));
                }
                yield new RespValue.Array(items);
            }
        };
    }

    private static void encode(RespValue v, ByteArrayOutputStream out) {
        if (v instanceof RespValue.SimpleString s) {
            out.writeBytes(("+" + s.text() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        } else if (v instanceof RespValue.Error e) {
            out.writeBytes(("-" + e.message() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        } else if (v instanceof RespValue.Integer n) {
            out.writeBytes((":" + n.value() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        } else if (v instanceof RespValue.Bulk b) {
            if (b.bytes() == null) {
                out.writeBytes("$-1\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.writeBytes(("$" + b.bytes().length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(b.bytes());
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        } else if (v instanceof RespValue.Array a) {
            out.writeBytes(("*" + a.items().size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            a.items().forEach(i -> encode(i, out));
        }
    }

    private static List<String> readAll(InputStream in, int buffer, int count) throws IOException {
        RespReader reader = new RespReader(in, buffer);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(describe(reader.read()));
        }
        return out;
    }

    /** Records compare byte[] by identity: bulk payloads as text. */
    private static String describe(RespValue v) {
        if (v instanceof RespValue.Bulk b) {
            return "Bulk[" + b.text() + "]";
        }
        if (v instanceof RespValue.Array a) {
            return "Array" + a.items().stream().map(RespReaderTest::describe).toList();
        }
        return v.toString();
    }

    @Test
    void readsEveryReplyTheSameWhereverTheInputIsCut() throws IOException {
        Random r = new Random(11);
        List<String> expected = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = 3000;
        for (int i = 0; i < count; i++) {
            RespValue v = random(r, 0);
            expected.add(describe(v));
            encode(v, out);
        }
        byte[] data = out.toByteArray();
        for (int seed = 0; seed < 5; seed++) {
            assertEquals(expected, readAll(new Pieces(data, seed, 1 + seed * 7), 16, count), "pieces of up to " + (1 + seed * 7));
            assertEquals(expected, readAll(new Pieces(data, seed, 1 << 16), 1 << 16, count), "big reads");
        }
    }

    @Test
    void readsIntegersOfEveryLength() throws IOException {
        long[] values = {0, -1, 7, Long.MAX_VALUE, Long.MIN_VALUE + 1, 999_999_999_999_999_999L, -1_000_000_000_000_000_000L};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> expected = new ArrayList<>();
        for (long v : values) {
            out.writeBytes((":" + v + "\r\n").getBytes(StandardCharsets.US_ASCII));
            expected.add(new RespValue.Integer(v).toString());
        }
        assertEquals(expected, readAll(new Pieces(out.toByteArray(), 1, 1 << 10), 1 << 10, values.length));
    }

    @Test
    void buffersWhatOneReadTookAndNoReplyConsumedYet() throws IOException {
        byte[] data = "+OK\r\n:12\r\n$3\r\nabc\r\n".getBytes(StandardCharsets.US_ASCII);
        RespReader reader = new RespReader(new java.io.ByteArrayInputStream(data), 64);
        assertEquals(0, reader.buffered(), "nothing read yet");
        reader.read();
        assertEquals(data.length - 5, reader.buffered(), "the two later replies came with the first");
        reader.read();
        assertEquals(9, reader.buffered());
        reader.read();
        assertEquals(0, reader.buffered(), "every reply consumed");
    }
}
