package io.slotferry.replay;

import io.slotferry.split.SlotCommand;
import java.io.IOException;

/**
 * What one stream command becomes, a value its handler returns and {@link StreamReplayer} runs:
 * target commands for one slot, or an operation on a drained writer.
 */
sealed interface Step {

    /** Commands for one slot, handed to the writer. */
    record Send(SlotCommand command) implements Step {
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
