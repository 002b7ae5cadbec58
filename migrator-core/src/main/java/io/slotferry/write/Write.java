package io.slotferry.write;

import io.slotferry.routing.HashSlot;
import java.util.List;
import java.util.Objects;

/**
 * One unit the target must apply to one slot: a single command, or several commands applied
 * atomically (sent as {@code MULTI ... EXEC}). Writes of one slot are applied in submission order.
 *
 * @param slot          the hash slot every key of the commands maps to
 * @param key           the key, for messages about data errors (never null)
 * @param commands      one command, or several applied together in a transaction
 * @param sourceOffset  the source position this write carries (stream offset, or RDB byte offset
 *                      during a snapshot); submitted offsets never decrease
 * @param probe         null when re-sending the write is harmless (RESTORE REPLACE, SET, HSET, ...);
 *                      otherwise how to tell, after a lost connection, whether it was applied
 * @param completesKeys how many source keys are complete once this write is acknowledged (progress)
 */
public record Write(int slot, byte[] key, List<List<byte[]>> commands, long sourceOffset, Probe probe, int completesKeys) {
    public Write {
        Objects.requireNonNull(key, "key");
        if (commands.isEmpty()) {
            throw new IllegalArgumentException("a write needs at least one command");
        }
        if (slot < 0 || slot >= HashSlot.SLOTS) {
            throw new IllegalArgumentException("slot out of range: " + slot);
        }
        commands = List.copyOf(commands);
    }

    /** A single idempotent command on {@code key} that completes one key. */
    public static Write of(byte[] key, long sourceOffset, List<byte[]> command) {
        return new Write(HashSlot.of(key), key, List.of(command), sourceOffset, null, 1);
    }

    /** Idempotent commands on {@code key}, applied atomically. */
    public static Write atomic(byte[] key, long sourceOffset, List<List<byte[]>> commands, int completesKeys) {
        return new Write(HashSlot.of(key), key, commands, sourceOffset, null, completesKeys);
    }

    /** The same write, not idempotent: {@code probe} tells whether it was applied. */
    public Write withProbe(Probe probe) {
        return new Write(slot, key, commands, sourceOffset, probe, completesKeys);
    }

    /** True when the write is sent as {@code MULTI ... EXEC}. */
    public boolean transaction() {
        return commands.size() > 1;
    }

    /**
     * How to find out whether a non-idempotent write (an {@code RPUSH} chunk, an {@code XADD} chunk)
     * was applied when its reply was lost: send {@code command}, which must answer an integer that
     * only grows as the key's writes apply (a length). The write was applied when it answers
     * {@code appliedWhen} or more (later writes of the key may be in too), and was not when it
     * answers {@code notAppliedWhen}. Any other answer stops the writer (the key changed under us).
     */
    public record Probe(List<byte[]> command, long appliedWhen, long notAppliedWhen) {
        public Probe {
            command = List.copyOf(command);
        }
    }
}
