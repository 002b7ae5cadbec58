package io.slotferry.split;

import io.slotferry.command.KeyRef;
import java.util.List;

/** What one keyed write command becomes on a cluster. */
public sealed interface SlotPlan {

    /** Every key in one slot, or independent keys split per slot: send these, in order. */
    record Routed(List<SlotCommand> commands) implements SlotPlan {
        public Routed {
            commands = List.copyOf(commands);
        }
    }

    /**
     * The keys span slots and the command combines them (RENAME, SUNIONSTORE, LMOVE...): it cannot be
     * split; it must be emulated on the target, or refused.
     */
    record CrossSlot(List<byte[]> argv, List<KeyRef> keys) implements SlotPlan {
        public CrossSlot {
            argv = List.copyOf(argv);
            keys = List.copyOf(keys);
        }
    }
}
