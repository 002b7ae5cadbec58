package io.slotferry.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.command.CommandTable;
import io.slotferry.routing.HashSlot;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    void marksAreToldFromData() {
        assertTrue(AppliedMarks.isMark(b("slotferry:applied:{42}:redis://10.0.0.1:6379")));
        assertFalse(AppliedMarks.isMark(b("slotferry:applied:")));
        assertFalse(AppliedMarks.isMark(b("user:1")));
    }

    @Test
    void theTableSaysWhichWritesMustNotBeAppliedTwice() {
        CommandTable table = CommandTable.load();
        for (String additive : new String[] {"INCR", "RPUSH", "HINCRBY", "APPEND", "RENAME", "XADD", "LPOP"}) {
            assertFalse(table.lookup(List.of(b(additive), b("k"), b("1"))).orElseThrow().idempotent(), additive);
        }
        for (String setting : new String[] {"SET", "HSET", "DEL", "PEXPIREAT", "SADD", "ZADD"}) {
            assertTrue(table.lookup(List.of(b(setting), b("k"), b("1"))).orElseThrow().idempotent(), setting);
        }
    }
}
