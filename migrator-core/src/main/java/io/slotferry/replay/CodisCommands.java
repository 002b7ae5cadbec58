package io.slotferry.replay;

import io.slotferry.replication.ReplicationEvent;
import io.slotferry.routing.HashSlot;
import io.slotferry.split.SlotCommand;
import io.slotferry.translate.CodisCommandException;
import io.slotferry.translate.CodisRestore;
import io.slotferry.translate.ExpiryGrace;
import io.slotferry.translate.KeyCommands;
import java.util.ArrayList;
import java.util.List;

/**
 * Codis' own writes in a codis-server stream ({@code SLOTSRESTORE}, {@code SLOTSRESTORE-ASYNC},
 * {@code SLOTSDEL}): translated by {@link CodisRestore} into commands per key, each key's commands one
 * send to its slot, with the TTL grace applied; what cannot be followed stops the worker.
 */
final class CodisCommands {
    private final CodisRestore codis;
    private final ExpiryGrace grace;
    private final ReplayStats stats;

    CodisCommands(CodisRestore codis, ExpiryGrace grace, ReplayStats stats) {
        this.codis = codis;
        this.grace = grace;
        this.stats = stats;
    }

    List<Step> steps(ReplicationEvent.Command c) throws ReplayException {
        List<KeyCommands> translated;
        try {
            translated = codis.translate(c.argv(), c.receivedAtMillis());
        } catch (CodisCommandException e) {
            throw new ReplayException(c.name(), c.startOffset(), e.getMessage(), e);
        }
        stats.count("codis-restore");
        List<Step> out = new ArrayList<>(translated.size());
        for (KeyCommands k : translated) {
            List<List<byte[]>> held = new ArrayList<>(k.commands().size());
            for (List<byte[]> command : k.commands()) {
                held.add(grace.apply(command, c.receivedAtMillis()));
            }
            out.add(new Step.Send(new SlotCommand(HashSlot.of(k.key()), k.key(), held)));
        }
        return out;
    }
}
