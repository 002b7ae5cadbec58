package io.slotferry.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.routing.HashSlot;
import io.slotferry.write.Write;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AppliedMarksTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void everySlotHasATagThatHashesToIt() {
        for (int slot = 0; slot < HashSlot.SLOTS; slot++) {
            String key = AppliedMarks.PREFIX + "{" + AppliedMarks.tag(slot) + "}:twemproxy:alpha/shard0";
            assertEquals(slot, HashSlot.of(b(key)), key);
        }
    }

    @Test
    void toolKeysAreToldFromData() {
        assertTrue(AppliedMarks.isToolKey(b("slotferry:applied:{42}:redis://10.0.0.1:6379")));
        assertTrue(AppliedMarks.isToolKey(b("slotferry:applied:barrier:{redis://10.0.0.1:6379}")));
        assertTrue(AppliedMarks.isToolKey(b("slotferry:emulation:{redis://10.0.0.1:6379}:journal")));
        assertFalse(AppliedMarks.isToolKey(b("slotferry:")));
        assertFalse(AppliedMarks.isToolKey(b("user:1")));
    }

    @Test
    void aMarkProbeSaysAppliedOnlyForItsOwnHistoryAtOrAboveItsOffset() {
        Write.Probe.Mark probe = new Write.Probe.Mark(b("m"), "abc", 100, true, false);
        assertTrue(probe.applied(b("abc:100")));
        assertTrue(probe.applied(b("abc:250")));
        assertFalse(probe.applied(b("abc:99")));
        assertFalse(probe.applied(b("other:500")), "another replication history says nothing about this one");
        assertFalse(probe.applied(null), "no mark: nothing of the slot was marked");
        assertFalse(probe.applied(b("abc:x")));
        assertEquals(-1, Write.Probe.Mark.markOffset(b("ab:c:1"), "abc"));
        assertEquals(7, Write.Probe.Mark.markOffset(b("a:b:7"), "a:b"));
    }
}
