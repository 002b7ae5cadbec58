package io.slotferry.replay;

import io.slotferry.replication.ReplicationEvent;
import io.slotferry.split.SlotCommand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A MULTI block held until EXEC, then applied per slot: one {@code MULTI ... EXEC} per slot, slots in
 * the order they first appear, so atomicity holds within a slot (a cluster cannot give more).
 */
final class Transaction {
    private final long maxBytes;
    private final long start;
    private final List<Step> steps = new ArrayList<>();
    private long bytes;

    /** A block whose MULTI starts at {@code start}. */
    Transaction(long maxBytes, long start) {
        this.maxBytes = maxBytes;
        this.start = start;
    }

    /** Where the block's MULTI starts: no checkpoint may name an offset inside the block. */
    long start() {
        return start;
    }

    void add(List<Step> more, ReplicationEvent.Command c) throws ReplayException {
        for (byte[] a : c.argv()) {
            bytes += a.length + 16;
        }
        if (bytes > maxBytes) {
            throw new ReplayException("MULTI", c.startOffset(), "the transaction holds more than " + maxBytes
                    + " bytes before its EXEC; raise the limit or split the source's transactions");
        }
        for (Step s : more) {
            // each part keeps the position of its own command: a restart meeting the block again tells its parts apart
            steps.add(s instanceof Step.Send send ? new Step.Send(send.command(), c.endOffset(), send.spec()) : s);
        }
    }

    /**
     * The steps of the block at its EXEC: the commands of each slot joined into one send, at the
     * position of the slot's last command joined, and each barrier after the sends of what came before
     * it (the emulation then sees that applied).
     */
    List<Step> commit() {
        List<Step> out = new ArrayList<>();
        Map<Integer, Part> parts = new LinkedHashMap<>();
        for (Step s : steps) {
            if (s instanceof Step.Send send) {
                SlotCommand sc = send.command();
                parts.computeIfAbsent(sc.slot(), x -> new Part(sc.key())).add(sc, send.position());
            } else {
                flush(parts, out);
                out.add(s);
            }
        }
        flush(parts, out);
        return out;
    }

    private static void flush(Map<Integer, Part> parts, List<Step> out) {
        for (Map.Entry<Integer, Part> e : parts.entrySet()) {
            Part p = e.getValue();
            out.add(new Step.Send(new SlotCommand(e.getKey(), p.key, p.commands), p.position));
        }
        parts.clear();
    }

    /** One slot's commands of the block so far: its first key (for messages) and its last command's position. */
    private static final class Part {
        final byte[] key;
        final List<List<byte[]>> commands = new ArrayList<>();
        long position;

        Part(byte[] key) {
            this.key = key;
        }

        void add(SlotCommand c, long at) {
            commands.addAll(c.commands());
            position = at;
        }
    }
}
