package io.slotferry.rdb.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodingTest {

    private static List<String> all(ElementCursor c) throws CorruptEncodingException {
        List<String> out = new ArrayList<>();
        while (c.hasNext()) {
            out.add(new String(c.next(), StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    @Test
    void lzfExpandsLiteralsAndOverlappingBackReferences() throws CorruptEncodingException {
        // "abc" as 3 literals, then a reference of length 7 (ctrl 5<<5) one byte back: "ccccccc".
        byte[] in = {2, 'a', 'b', 'c', (byte) (5 << 5), 0};
        assertArrayEquals("abcccccccc".getBytes(StandardCharsets.US_ASCII), Lzf.decompress(in, 10));
    }

    @Test
    void lzfRejectsReferencesBeforeTheStartAndWrongLengths() {
        assertThrows(CorruptEncodingException.class, () -> Lzf.decompress(new byte[] {(byte) (1 << 5), 5}, 3));
        assertThrows(CorruptEncodingException.class, () -> Lzf.decompress(new byte[] {1, 'a', 'b'}, 5));
        assertThrows(CorruptEncodingException.class, () -> Lzf.decompress(new byte[] {5, 'a'}, 6));
    }

    /** Builds a ziplist from already-encoded entries (encoding + data), adding prevlens and the header. */
    private static byte[] ziplist(byte[]... entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int prev = 0;
        int tail = 10;
        for (byte[] e : entries) {
            tail = 10 + body.size();
            body.write(prev);
            body.write(e, 0, e.length);
            prev = e.length + 1;
        }
        int total = 10 + body.size() + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int v : new int[] {total, tail}) {
            for (int i = 0; i < 4; i++) {
                out.write(v >>> (8 * i));
            }
        }
        out.write(entries.length);
        out.write(0);
        out.write(body.toByteArray(), 0, body.size());
        out.write(0xff);
        return out.toByteArray();
    }

    @Test
    void ziplistDecodesStringsAndEveryIntegerWidth() throws CorruptEncodingException {
        byte[] zl = ziplist(
                new byte[] {2, 'h', 'i'},
                new byte[] {(byte) 0xf1},                          // immediate 0
                new byte[] {(byte) 0xfd},                          // immediate 12
                new byte[] {(byte) 0xfe, (byte) 0x80},             // int8 -128
                new byte[] {(byte) 0xc0, 0x00, (byte) 0x80},       // int16 -32768
                new byte[] {(byte) 0xf0, (byte) 0xff, (byte) 0xff, 0x7f}, // int24 8388607
                new byte[] {(byte) 0xd0, 0, 0, 0, (byte) 0x80},    // int32 min
                new byte[] {(byte) 0xe0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
        assertEquals(List.of("hi", "0", "12", "-128", "-32768", "8388607", "-2147483648", "9223372036854775807"), all(new Ziplist(zl)));
    }

    @Test
    void ziplistWithAWrongPrevlenIsCorrupt() {
        byte[] zl = ziplist(new byte[] {1, 'a'}, new byte[] {1, 'b'});
        zl[13] = 9; // second entry's prevlen
        CorruptEncodingException e = assertThrows(CorruptEncodingException.class, () -> new Ziplist(zl).validateAll());
        assertTrue(e.getMessage().contains("prevlen"), e.getMessage());
    }

    @Test
    void listpackDecodesEveryEncoding() throws CorruptEncodingException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[][] entries = {
            {0x7f},                                    // uint7 127
            {(byte) 0x82, 'o', 'k'},                   // str6
            {(byte) 0xdf, (byte) 0xff},                // int13 -1
            {(byte) 0xf1, 0x00, (byte) 0x80},          // int16 -32768
            {(byte) 0xf2, 0x00, 0x00, (byte) 0x80},    // int24 -8388608
            {(byte) 0xf3, 1, 0, 0, 0},                 // int32 1
            {(byte) 0xf4, 2, 0, 0, 0, 0, 0, 0, 0},     // int64 2
        };
        for (byte[] e : entries) {
            body.write(e, 0, e.length);
            body.write(e.length); // backlen (all < 128)
        }
        int total = 6 + body.size() + 1;
        byte[] lp = new byte[total];
        lp[0] = (byte) total;
        lp[4] = (byte) entries.length;
        System.arraycopy(body.toByteArray(), 0, lp, 6, body.size());
        lp[total - 1] = (byte) 0xff;
        assertEquals(List.of("127", "ok", "-1", "-32768", "-8388608", "1", "2"), all(new Listpack(lp)));
        lp[4] = 9;
        assertThrows(CorruptEncodingException.class, () -> new Listpack(lp).validateAll(), "count mismatch");
    }

    @Test
    void intsetAndZipmapCheckTheirSizes() throws CorruptEncodingException {
        byte[] is = {2, 0, 0, 0, 2, 0, 0, 0, (byte) 0xff, (byte) 0xff, 5, 0};
        assertEquals(List.of("-1", "5"), all(new Intset(is)));
        is[4] = 3;
        assertThrows(CorruptEncodingException.class, () -> new Intset(is));
        byte[] zm = {1, 1, 'f', 1, 0, 'v', (byte) 0xff};
        assertEquals(List.of("f", "v"), all(new Zipmap(zm)));
        byte[] bad = {1, 9, 'f', (byte) 0xff};
        assertThrows(CorruptEncodingException.class, () -> all(new Zipmap(bad)));
    }
}
