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

    /** The same write, with {@code probe} to tell whether it was applied when a connection is lost. */
    public Write withProbe(Probe probe) {
        return new Write(slot, key, commands, sourceOffset, probe, completesKeys);
    }

    /** The probe as a {@link Probe.Length} (snapshot chunks); null when the write has none or another kind. */
    public Probe.Length lengthProbe() {
        return probe instanceof Probe.Length l ? l : null;
    }

    /** True when the write is sent as {@code MULTI ... EXEC}. */
    public boolean transaction() {
        return commands.size() > 1;
    }

    /**
     * How to find out whether a write was applied when its reply was lost (the connection dropped
     * with it in flight): {@link Length} for snapshot chunks, {@link Mark} for stream writes.
     */
    public sealed interface Probe permits Probe.Length, Probe.Mark {
        /** The command that answers the question. */
        List<byte[]> command();

        /**
         * A non-idempotent write (an {@code RPUSH} chunk, an {@code XADD} chunk): send {@code command},
         * which must answer an integer that only grows as the key's writes apply (a length). The write
         * was applied when it answers {@code appliedWhen} or more (later writes of the key may be in
         * too), and was not when it answers {@code notAppliedWhen}. Any other answer stops the writer
         * (the key changed under us). One such write per key is in flight at a time.
         */
        record Length(List<byte[]> command, long appliedWhen, long notAppliedWhen) implements Probe {
            public Length {
                command = List.copyOf(command);
            }
        }

        /**
         * A stream write of a source whose writes carry applied marks: it was applied when its slot's
         * mark ({@code GET key}, {@code REPLID:OFFSET}) has {@code replid} and an offset at or above
         * {@code offset}; otherwise it was not, or it is replay-safe and may be sent again.
         *
         * @param replaySafe the write may be applied again ({@link io.slotferry.command.ReplaySafety});
         *                   re-sent, a {@code WRONGTYPE} answer means a later write, re-sent after it,
         *                   replaced the key: counted, not a data error
         * @param reapplied  the stream is being applied again after a restart up to where the last run
         *                   may have written: the same holds for its first sending
         */
        record Mark(byte[] key, String replid, long offset, boolean replaySafe, boolean reapplied) implements Probe {
            private static final byte[] GET = {'G', 'E', 'T'};

            @Override
            public List<byte[]> command() {
                return List.of(GET, key);
            }

            /** True when {@code value} (the reply to {@link #command()}) says the write is applied. */
            public boolean applied(byte[] value) {
                return value != null && markOffset(value, replid) >= offset;
            }

            /** The offset of a mark value {@code REPLID:OFFSET} of {@code replid}; -1 for another history or none. */
            public static long markOffset(byte[] value, String replid) {
                String v = new String(value, java.nio.charset.StandardCharsets.US_ASCII);
                int colon = v.lastIndexOf(':');
                if (colon <= 0 || !v.substring(0, colon).equals(replid)) {
                    return -1;
                }
                try {
                    return Long.parseLong(v.substring(colon + 1));
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
    }
}
