package io.slotferry.translate;

import java.util.List;

/**
 * Target commands for one key, applied in this order and atomically when there are several.
 *
 * @param key        the key as the target names it
 * @param commands   one command, or several for one {@code MULTI ... EXEC}
 * @param idempotent false when sending them twice (after a lost reply) could apply them twice ({@code RPUSH})
 */
public record KeyCommands(byte[] key, List<List<byte[]>> commands, boolean idempotent) {
    public KeyCommands {
        commands = List.copyOf(commands);
    }
}
