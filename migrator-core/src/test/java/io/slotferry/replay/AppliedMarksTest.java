package io.slotferry.replay;

import static io.slotferry.fixture.Bulk.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.routing.HashSlot;
import io.slotferry.write.Write;
import org.junit.jupiter.api.Test;

class AppliedMarksTest {

    @Test
    void everySlotHasATagThatHashesToIt() {
        for (int slot = 0; slot < HashSlot.SLOTS; slot++) {
            String key = AppliedMarks.PREFIX + "{" + AppliedMarks.tag(slot) + "}:twemproxy:alpha/shard0";
            assertEquals(slot, HashSlot.of(ascii(key)), key);
        }
    }

    @Test
    void toolKeysAreToldFromData() {
        assertTrue(AppliedMarks.isToolKey(ascii("slotferry:applied:{42}:redis://10.0.0.1:6379")));
        assertTrue(AppliedMarks.isToolKey(ascii("slotferry:applied:barrier:{redis://10.0.0.1:6379}")));
        assertTrue(AppliedMarks.isToolKey(ascii("slotferry:emulation:{redis://10.0.0.1:6379}:journal")));
        assertFalse(AppliedMarks.isToolKey(ascii("slotferry:")));
        assertFalse(AppliedMarks.isToolKey(ascii("user:1")));
    }

    @Test
    void aMarkProbeSaysAppliedOnlyForItsOwnHistoryAtOrAboveItsOffset() {
        Write.Probe.Mark probe = new Write.Probe.Mark(ascii("m"), "abc", 100, true, false);
        assertTrue(probe.applied(ascii("abc:100")));
        assertTrue(probe.applied(ascii("abc:250")));
        assertFalse(probe.applied(ascii("abc:99")));
        assertFalse(probe.applied(ascii("other:500")), "another replication history says nothing about this one");
        assertFalse(probe.applied(null), "no mark: nothing of the slot was marked");
        assertFalse(probe.applied(ascii("abc:x")));
        assertEquals(-1, Write.Probe.Mark.markOffset(ascii("ab:c:1"), "abc"));
        assertEquals(7, Write.Probe.Mark.markOffset(ascii("a:b:7"), "a:b"));
    }
}
