package io.slotferry.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashSlotTest {
    private static int slot(String key) {
        return HashSlot.of(key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void crc16MatchesTheClusterSpecsCheckValue() {
        // The Redis Cluster specification: CRC16 of "123456789" is 0x31C3.
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x31C3, HashSlot.crc16(b, 0, b.length));
    }

    @Test
    void hashTagsFollowTheSpecsExamples() {
        assertEquals(slot("user1000"), slot("{user1000}.following"));
        assertEquals(slot("user1000"), slot("{user1000}.followers"));
        assertEquals(slot("foo{}{bar}"), HashSlot.crc16("foo{}{bar}".getBytes(StandardCharsets.US_ASCII), 0, 10) & 16383);
        assertEquals(slot("{bar"), slot("foo{{bar}}zap"));
        assertEquals(slot("bar"), slot("foo{bar}{zap}"));
        assertEquals(12182, slot("foo"), "CLUSTER KEYSLOT foo");
        assertEquals(0, slot(""), "the empty key");
    }
}
