package io.slotferry.replay;

import io.slotferry.command.CommandSpec;
import io.slotferry.split.SlotCommand;
import java.io.IOException;

/**
 * What one stream command becomes, a value its handler returns and {@link StreamReplayer} runs:
 * target commands for one slot, or an operation on a drained writer.
 */
sealed interface Step {

    /**
     * Commands for one slot, handed to the writer.
     *
     * @param position where its applied mark stands: the end offset of the stream command it comes from
     *                 (of the last one, for a slot's part of a MULTI block), or -1 for the offset it is run
     *                 at. The parts of one block share the EXEC's offset (no checkpoint inside a block) but
     *                 not their positions, so a part after a cross-slot command or a flush is never taken
     *                 for applied because a part of its slot before it was.
     * @param spec     the table entry of its one command when the handler found it already and the command's
     *                 name alone decides it (no subcommand), so the window's replay-safety check does not look
     *                 it up again; null: looked up there
     */
    record Send(SlotCommand command, long position, CommandSpec spec) implements Step {
        /** Commands of the stream command being applied, marked at the offset they are run at. */
        Send(SlotCommand command) {
            this(command, -1, null);
        }

        /** Commands marked at {@code position}, their entries looked up when queued. */
        Send(SlotCommand command, long position) {
            this(command, position, null);
        }
    }

    /** A whole-key write of the key filter ({@code StreamFilter.Decision.Copies}): never skipped by applied marks. */
    record Unmarked(SlotCommand command) implements Step {
    }

    /**
     * An operation run with every earlier write settled (an emulation across slots, a broadcast, a
     * database operation), remembered with a barrier mark when marks are on.
     *
     * @param position  where it stands in the stream ({@code command start + 1}: above every write
     *                  before its command, below the command's own writes), for the barrier mark
     */
    record Barrier(long position, Operation operation) implements Step {
    }

    /** The work of a {@link Barrier}, given the offset of the command (or EXEC) it belongs to. */
    @FunctionalInterface
    interface Operation {
        void run(long offset) throws IOException, InterruptedException, ReplayException;
    }
}
