package io.slotferry.split;

import java.util.List;

/**
 * Target commands for one slot, applied in this order and atomically when there are several.
 *
 * @param slot     the hash slot of every key they touch
 * @param key      one of those keys, for messages
 * @param commands one command, or several applied in one {@code MULTI ... EXEC}
 */
public record SlotCommand(int slot, byte[] key, List<List<byte[]>> commands) {
    public SlotCommand {
        commands = List.copyOf(commands);
    }

    public static SlotCommand of(int slot, byte[] key, List<byte[]> command) {
        return new SlotCommand(slot, key, List.of(command));
    }
}
