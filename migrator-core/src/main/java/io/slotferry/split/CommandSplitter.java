package io.slotferry.split;

import io.slotferry.command.KeyRef;
import io.slotferry.routing.HashSlot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans a keyed write for a cluster from its key positions (found by the command table). Keys in one
 * slot: the command as is. Keys in several slots: commands whose keys are independent
 * ({@code splittable}, the {@code request_policy:multi_shard} commands such as DEL, UNLINK, MSET) are
 * split into one command per slot, each key keeping the arguments that follow it up to the next key
 * (MSET's value), in their original order; any other command is a {@link SlotPlan.CrossSlot}.
 */
public final class CommandSplitter {
    private CommandSplitter() {
    }

    public static SlotPlan plan(List<byte[]> argv, List<KeyRef> keys, boolean splittable) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a keyed command needs keys");
        }
        int first = HashSlot.of(argv.get(keys.get(0).index()));
        if (keys.size() == 1) {
            return new SlotPlan.Routed(List.of(SlotCommand.of(first, argv.get(keys.get(0).index()), argv)));
        }
        boolean oneSlot = true;
        for (KeyRef k : keys) {
            if (HashSlot.of(argv.get(k.index())) != first) {
                oneSlot = false;
                break;
            }
        }
        if (oneSlot) {
            return new SlotPlan.Routed(List.of(SlotCommand.of(first, argv.get(keys.get(0).index()), argv)));
        }
        if (!splittable || !ascending(keys)) {
            return new SlotPlan.CrossSlot(argv, keys);
        }
        List<byte[]> prefix = argv.subList(0, keys.get(0).index());
        Map<Integer, List<byte[]>> perSlot = new LinkedHashMap<>();
        Map<Integer, byte[]> firstKey = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            int from = keys.get(i).index();
            int to = i + 1 < keys.size() ? keys.get(i + 1).index() : argv.size();
            byte[] key = argv.get(from);
            int slot = HashSlot.of(key);
            List<byte[]> cmd = perSlot.computeIfAbsent(slot, s -> new ArrayList<>(prefix));
            firstKey.putIfAbsent(slot, key);
            cmd.addAll(argv.subList(from, to));
        }
        List<SlotCommand> out = new ArrayList<>(perSlot.size());
        perSlot.forEach((slot, cmd) -> out.add(SlotCommand.of(slot, firstKey.get(slot), cmd)));
        return new SlotPlan.Routed(out);
    }

    private static boolean ascending(List<KeyRef> keys) {
        for (int i = 1; i < keys.size(); i++) {
            if (keys.get(i).index() <= keys.get(i - 1).index()) {
                return false;
            }
        }
        return true;
    }
}
