package io.slotferry.replication.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.rdb.DumpPayload;
import io.slotferry.rdb.RdbType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A DUMP reply's errors name its key and database (the layout itself: rdb-parser's DumpPayloadTest). */
class DumpReplyTest {
    private static final byte[] KEY = "user:\u0001".getBytes(StandardCharsets.ISO_8859_1);
    /** RDB string encoding of "hello": length 5, then the bytes. */
    private static final byte[] HELLO = {5, 'h', 'e', 'l', 'l', 'o'};

    @Test
    void aValidPayloadSplitsIntoTypeValueAndVersion() throws Exception {
        DumpPayload p = DumpReply.parse(KEY, 0, DumpPayload.build(0, HELLO, 10));
        assertEquals(RdbType.STRING, p.type());
        assertArrayEquals(HELLO, p.value());
        assertEquals(10, p.rdbVersion());
    }

    @Test
    void aPayloadWhoseChecksumDoesNotMatchIsRejectedNamingTheKey() {
        byte[] payload = DumpPayload.build(0, HELLO, 10);
        payload[3] ^= 1;
        DumpPayloadException e = assertThrows(DumpPayloadException.class, () -> DumpReply.parse(KEY, 4, payload));
        assertTrue(e.getMessage().contains("key \"user:\\x01\" in db 4 fails its checksum"), e.getMessage());
        assertArrayEquals(KEY, e.key());
    }

    @Test
    void aDamagedChecksumIsRejectedToo() {
        byte[] payload = DumpPayload.build(0, HELLO, 10);
        payload[payload.length - 1] ^= (byte) 0x80;
        assertThrows(DumpPayloadException.class, () -> DumpReply.parse(KEY, 0, payload));
    }

    @Test
    void anUnknownTypeByteIsRejectedNamingTheKeyAndTheByte() {
        byte[] payload = DumpPayload.build(99, HELLO, 10);
        DumpPayloadException e = assertThrows(DumpPayloadException.class, () -> DumpReply.parse(KEY, 2, payload));
        assertTrue(e.getMessage().contains("key \"user:\\x01\" in db 2 has value type byte 99"), e.getMessage());
    }

    @Test
    void aPayloadShorterThanTheTrailerIsRejected() {
        DumpPayloadException e = assertThrows(DumpPayloadException.class,
                () -> DumpReply.parse(KEY, 0, new byte[10]));
        assertTrue(e.getMessage().contains("is 10 bytes"), e.getMessage());
    }

    @Test
    void longKeysAreCutInMessages() {
        String d = DumpReply.describe(new byte[500], 1);
        assertTrue(d.endsWith("...(500 bytes)\" in db 1"), d);
        assertEquals(200, d.split("\\\\x00", -1).length - 1, d);
    }
}
