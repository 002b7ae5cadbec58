package io.slotferry.write;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The applied offset, the one home of its arithmetic: the highest source offset such that the target
 * holds every command up to it, which is what a checkpoint may claim (docs/replay.md#exactly-once).
 *
 * <p>Two sides report here. The writer: each write registers its source offset when submitted
 * ({@link #register}, offsets never decrease) and settles when acknowledged, or refused and counted
 * ({@link #settle}), in any order (different primaries answer at different speeds); every write up to
 * {@link #settled()} is settled. The replayer: where the stream {@link #startAt starts}, which command
 * it is {@link #applying} (its start offset; the offset stays at or below it until the command is
 * {@link #handled} or {@link #applyDone} — a command's writes are submitted one slot at a time), writes
 * it is {@link #holding} back to submit later (the offset stays below the first of them until they are
 * {@link #released}), a
 * write it {@link #skipped} as already applied (submitted, as far as the arithmetic goes), and the end
 * of the last command it handled (every write of it submitted, or none needed).
 *
 * <p>{@link #applied()} is then: the settled offset (never below the start) while some submitted
 * write is not settled; the handled offset once every submitted write is; never above the command
 * being applied; and never below an offset it reported before, since what the target held then it
 * still holds (a checkpoint names the database selected at its offset, so the offset must not step
 * back over a {@code SELECT}). One lock guards every field, so no reader depends on the order in
 * which another thread's fields are read; only a write's settling takes no lock (the reply readers
 * settle every write, while the replayer registers them): it counts its mark down, and the settled
 * offset moves past the marks counted down to zero under the lock, when a write is registered or an
 * offset is asked for. A writer that no replayer reports to (a snapshot load) gives its settled offset.
 */
public final class AppliedOffsets {

    /** Writes of one offset still unsettled. */
    static final class Mark {
        private static final AtomicIntegerFieldUpdater<Mark> UNSETTLED = AtomicIntegerFieldUpdater.newUpdater(Mark.class, "unsettled");

        final long offset;
        /** Counted up under the lock (one more write of the offset), down by {@link #settle} without it. */
        private volatile int unsettled = 1;

        Mark(long offset) {
            this.offset = offset;
        }
    }

    private final ArrayDeque<Mark> marks = new ArrayDeque<>();
    private long settled = -1;
    /** The settled offset before {@link #settled}: where it falls back when another write of its offset comes. */
    private long settledBefore = -1;

    /** The offset the stream started after (a snapshot's, or a checkpoint's): the target holds everything up to it. */
    private long startedAt = -1;
    private long handled = -1;
    private long submitted = -1;
    /** While a command is applied: its start offset; otherwise MAX_VALUE. */
    private long applying = Long.MAX_VALUE;
    /** While the replayer holds writes back, not yet submitted: the start offset of the first one's command; otherwise MAX_VALUE. */
    private long held = Long.MAX_VALUE;
    /** The highest value {@link #applied()} returned since the stream (re)started; MIN_VALUE without a stream. */
    private long reported = Long.MIN_VALUE;

    /** Registers a write carrying {@code offset} (never lower than the previous one): the last submitted, one more unsettled. */
    synchronized Mark register(long offset) {
        advance();
        submitted = offset;
        Mark tail = marks.peekLast();
        if (tail != null && tail.offset == offset) {
            // still queued (a mark counted down to zero leaves only in advance(), under this lock): one more write of it
            Mark.UNSETTLED.incrementAndGet(tail);
            return tail;
        }
        long last = tail != null ? tail.offset : settled;
        if (offset < last) {
            throw new IllegalArgumentException("write offsets must not decrease: " + offset + " after " + last);
        }
        if (tail == null && offset == settled) {
            // another write of an offset whose earlier writes all settled (a command's next slot): that
            // offset is not settled any more, only the one before it
            settled = settledBefore;
        }
        Mark m = new Mark(offset);
        marks.addLast(m);
        return m;
    }

    /**
     * One write of {@code mark} settled. Takes no lock: the settled offset moves past it (and every
     * fully settled mark before it) at the next {@link #register}, {@link #settled()} or {@link #applied()}.
     */
    void settle(Mark mark) {
        Mark.UNSETTLED.decrementAndGet(mark);
    }

    /** Advances the settled offset past every fully settled mark at the head (holding the lock). */
    private void advance() {
        Mark head;
        while ((head = marks.peekFirst()) != null && head.unsettled == 0) {
            settledBefore = settled;
            settled = head.offset;
            marks.pollFirst();
        }
    }

    /** Highest offset such that every write registered up to it is settled; -1 before the first. */
    public synchronized long settled() {
        advance();
        return settled;
    }

    /** The stream starts (after a snapshot, or resumed) just after {@code offset}. */
    public synchronized void startAt(long offset) {
        startedAt = offset;
        handled = offset;
        submitted = Math.min(submitted, offset);
        reported = -1; // from here every write is registered inside apply(), below the command's start
    }

    /**
     * A command is being applied: the offset stays at or below {@code start}, its start offset (for a
     * command of a MULTI block, its EXEC too, the MULTI's: a run resumed inside the block would meet
     * its EXEC without its MULTI).
     */
    public synchronized void applying(long start) {
        applying = start;
    }

    /** The command being applied returned without being handled (held inside MULTI until EXEC, or failed). */
    public synchronized void applyDone() {
        applying = Long.MAX_VALUE;
    }

    /** The command being applied returned, and every write of the commands up to {@code end} is submitted (or none was needed). */
    public synchronized void handled(long end) {
        handled = end;
        applying = Long.MAX_VALUE;
    }

    /**
     * The replayer holds a write of the command being applied back (to send it later with others of its
     * slot): until {@link #released}, the offset stays at or below that command's start, whatever is
     * handled or settled meanwhile.
     */
    public synchronized void holding() {
        held = Math.min(held, applying);
    }

    /** Every write the replayer held back is submitted (registered): their own offsets keep the applied offset below them now. */
    public synchronized void released() {
        held = Long.MAX_VALUE;
    }

    /** A write carrying {@code offset} was not handed to the writer: the target holds it already. */
    public synchronized void skipped(long offset) {
        submitted = offset;
    }

    /** What a checkpoint may claim (see the class comment). Safe to call from any thread. */
    public synchronized long applied() {
        advance();
        // Before the writer settles its first write it knows no offset: the start offset holds until then
        // (a checkpoint of -1 would make the next run ask PSYNC from 0, a full sync).
        long applied = Math.max(settled, startedAt);
        long result = Math.min(applied >= submitted ? Math.max(handled, applied) : applied, Math.min(applying, held));
        if (reported == Long.MIN_VALUE) {
            return result; // no stream: the writes' own offsets (a snapshot's)
        }
        reported = Math.max(reported, result);
        return reported;
    }
}
