package io.slotferry.split;

import static io.slotferry.fixture.Bulk.ascii;
import static io.slotferry.fixture.Bulk.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.slotferry.command.KeyRef;
import io.slotferry.routing.HashSlot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandSplitterTest {

    @Test
    void splitsMsetAcrossThreeSlotsKeepingEachValueWithItsKey() {
        List<byte[]> argv = line("MSET {a}1 1 {b}2 2 {a}3 3 {c}4 4");
        SlotPlan.Routed plan = assertInstanceOf(SlotPlan.Routed.class,
                CommandSplitter.plan(argv, keys(1, 3, 5, 7), true));
        assertEquals(List.of("MSET {a}1 1 {a}3 3", "MSET {b}2 2", "MSET {c}4 4"), text(plan));
        assertEquals(HashSlot.of(ascii("{a}")), plan.commands().get(0).slot());
    }

    @Test
    void splitsDelPerSlotInOrder() {
        SlotPlan.Routed plan = assertInstanceOf(SlotPlan.Routed.class,
                CommandSplitter.plan(line("DEL {x}a {y}b {x}c"), keys(1, 2, 3), true));
        assertEquals(List.of("DEL {x}a {x}c", "DEL {y}b"), text(plan));
    }

    @Test
    void sendsOneSlotCommandsAsTheyAre() {
        SlotPlan.Routed plan = assertInstanceOf(SlotPlan.Routed.class,
                CommandSplitter.plan(line("RENAME {u}a {u}b"), keys(1, 2), false));
        assertEquals(List.of("RENAME {u}a {u}b"), text(plan));
    }

    @Test
    void combinedKeysAcrossSlotsNeedAnEmulation() {
        SlotPlan plan = CommandSplitter.plan(line("SUNIONSTORE {a}d {b}s1 {c}s2"), keys(1, 2, 3), false);
        SlotPlan.CrossSlot x = assertInstanceOf(SlotPlan.CrossSlot.class, plan);
        assertEquals(3, x.keys().size());
    }

    private static List<String> text(SlotPlan.Routed plan) {
        List<String> out = new ArrayList<>();
        for (SlotCommand c : plan.commands()) {
            StringBuilder s = new StringBuilder();
            for (byte[] a : c.commands().get(0)) {
                s.append(s.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.US_ASCII));
            }
            out.add(s.toString());
        }
        return out;
    }

    private static List<KeyRef> keys(int... indexes) {
        return Arrays.stream(indexes).mapToObj(i -> new KeyRef(i, true)).toList();
    }
}
