package io.slotferry.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The DUMP/RESTORE payload layout, built and parsed. */
class DumpPayloadTest {
    /** RDB string encoding of "hello": length 5, then the bytes. */
    private static final byte[] HELLO = {5, 'h', 'e', 'l', 'l', 'o'};

    @Test
    void aPayloadIsTypeValueVersionAndCrcOfEverythingBefore() {
        byte[] value = {3, 'a', 'b', 'c'};
        byte[] p = DumpPayload.build(RdbType.STRING.code(), value, 0x0102);
        assertEquals(1 + 4 + 2 + 8, p.length);
        assertEquals(0, p[0]);
        assertEquals("[3, 97, 98, 99, 2, 1]", Arrays.toString(Arrays.copyOfRange(p, 1, 7)), "value, then version LE");
        long crc = 0;
        for (int i = 0; i < 8; i++) {
            crc |= (p[7 + i] & 0xffL) << (8 * i);
        }
        assertEquals(Crc64.of(Arrays.copyOf(p, 7)), crc);
        assertEquals(0x0102, DumpPayload.rdbVersion(p));
    }

    @Test
    void aValidPayloadSplitsIntoTypeValueAndVersion() throws Exception {
        DumpPayload p = DumpPayload.parse(DumpPayload.build(0, HELLO, 10));
        assertEquals(RdbType.STRING, p.type());
        assertArrayEquals(HELLO, p.value());
        assertEquals(10, p.rdbVersion());
    }

    @Test
    void aParsedPayloadBuildsBackToTheSameBytes() throws Exception {
        byte[] bytes = DumpPayload.build(RdbType.LIST_QUICKLIST_2.code(), HELLO, 11);
        assertArrayEquals(bytes, DumpPayload.parse(bytes).bytes());
    }

    @Test
    void theVersionIsReadLittleEndian() throws Exception {
        assertEquals(0x0102, DumpPayload.parse(DumpPayload.build(16, HELLO, 0x0102)).rdbVersion());
    }

    @Test
    void aPayloadWhoseChecksumDoesNotMatchIsRejected() {
        byte[] payload = DumpPayload.build(0, HELLO, 10);
        payload[3] ^= 1;
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> DumpPayload.parse(payload));
        assertTrue(e.getMessage().startsWith("the DUMP payload fails its checksum"), e.getMessage());
    }

    @Test
    void aDamagedChecksumIsRejectedToo() {
        byte[] payload = DumpPayload.build(0, HELLO, 10);
        payload[payload.length - 1] ^= (byte) 0x80;
        assertThrows(DumpFormatException.class, () -> DumpPayload.parse(payload));
    }

    @Test
    void anUnknownTypeByteIsRejectedNamingTheByte() {
        byte[] payload = DumpPayload.build(99, HELLO, 10);
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> DumpPayload.parse(payload));
        assertTrue(e.problem().startsWith("has value type byte 99"), e.getMessage());
    }

    @Test
    void aPayloadShorterThanTheTrailerIsRejected() {
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> DumpPayload.parse(new byte[10]));
        assertTrue(e.problem().startsWith("is 10 bytes"), e.getMessage());
    }
}
