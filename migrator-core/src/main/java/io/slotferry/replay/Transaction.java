package io.slotferry.replay;

import io.slotferry.replication.ReplicationEvent;
import io.slotferry.split.SlotCommand;
import java.io.IOException;
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
    private final List<StreamReplayer.Step> steps = new ArrayList<>();
    private long bytes;

    Transaction(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    void add(List<StreamReplayer.Step> more, ReplicationEvent.Command c) throws ReplayException {
        for (byte[] a : c.argv()) {
            bytes += a.length + 16;
        }
        if (bytes > maxBytes) {
            throw new ReplayException("MULTI", c.startOffset(), "the transaction holds more than " + maxBytes
                    + " bytes before its EXEC; raise the limit or split the source's transactions");
        }
        steps.addAll(more);
    }

    void commit(StreamReplayer replayer, long offset) throws IOException, InterruptedException, ReplayException {
        Map<Integer, List<List<byte[]>>> perSlot = new LinkedHashMap<>();
        Map<Integer, byte[]> keyOf = new LinkedHashMap<>();
        for (StreamReplayer.Step s : steps) {
            if (s instanceof StreamReplayer.Step.Send send) {
                SlotCommand sc = send.command();
                perSlot.computeIfAbsent(sc.slot(), x -> new ArrayList<>()).addAll(sc.commands());
                keyOf.putIfAbsent(sc.slot(), sc.key());
            } else {
                // what came before goes first; the emulation then sees it applied
                flush(replayer, perSlot, keyOf, offset);
                replayer.run(s, offset);
            }
        }
        flush(replayer, perSlot, keyOf, offset);
    }

    private static void flush(StreamReplayer replayer, Map<Integer, List<List<byte[]>>> perSlot, Map<Integer, byte[]> keyOf,
                              long offset) throws IOException, InterruptedException {
        for (Map.Entry<Integer, List<List<byte[]>>> e : perSlot.entrySet()) {
            replayer.send(new SlotCommand(e.getKey(), keyOf.get(e.getKey()), e.getValue()), offset);
        }
        perSlot.clear();
        keyOf.clear();
    }
}
