package io.slotferry.migration;

import io.slotferry.checkpoint.BackgroundSaves;
import io.slotferry.checkpoint.Checkpoint;
import io.slotferry.replay.ReplayException;
import io.slotferry.replay.StreamReplayer;
import io.slotferry.replication.Replica;
import io.slotferry.replication.ReplicationEvent;
import java.io.IOException;

/**
 * The way back of a live worker's stream, from what the target holds to the disk: each command handed to
 * the target is marked ({@link StreamProgress}: its receive time and database); about every 100 ms what the
 * target holds is acknowledged (the replica's spool segments and the marks below it go, the lag is measured);
 * every second, at each phase change and on stop it is checkpointed, saved by {@link BackgroundSaves} while
 * the stream goes on.
 *
 * <p>A checkpoint also carries the submit limit ({@link Checkpoint#submitLimit()}): no stream write is sent
 * above the limit on disk, so a restart knows how far the target may hold writes. The limit is raised half a
 * margin ahead of the stream, so the stream waits for a save only when it outruns the saving thread.
 */
final class StreamCheckpoints {
    private static final long RELEASE_NANOS = 100_000_000L;
    private static final long CHECKPOINT_NANOS = 1_000_000_000L;
    /** How far past the received offset a checkpoint lets stream writes go before the next one must be written. */
    static final long SUBMIT_MARGIN = 64L << 20;

    private final String source;
    private final Replica replica;
    private final BackgroundSaves saves;
    private final StreamProgress progress;
    /** The submit limit of the last checkpoint asked for (see {@link Checkpoint#submitLimit()}). */
    private long submitLimit = -1;
    private long released = System.nanoTime();
    private long checkpointed = released;

    /** The checkpoints of {@code source}, streamed by {@code replica}, saved by {@code saves}. */
    StreamCheckpoints(String source, Replica replica, BackgroundSaves saves, StreamProgress progress) {
        this.source = source;
        this.replica = replica;
        this.saves = saves;
        this.progress = progress;
    }

    /** A full sync begins: until the stream after it is checkpointed, a restart takes a new snapshot. */
    void snapshotBegins(ReplicationEvent.SnapshotBegin b) throws IOException, InterruptedException {
        saves.saveNow(Checkpoint.snapshot(source, b.replid(), b.offset()));
    }

    /** Before {@code c} is handed to the target: returns once a checkpoint on disk lets its writes go. */
    void beforeSubmit(ReplicationEvent.Command c, StreamReplayer replay) throws IOException, InterruptedException {
        if (c.endOffset() > submitLimit - SUBMIT_MARGIN / 2) {
            // raised half a margin ahead, saved in the background while the stream goes on
            submitLimit = Math.max(c.endOffset(), replica.receivedOffset()) + SUBMIT_MARGIN;
            checkpoint(replay, false);
        }
        // on disk before the write is sent: a crash then knows how far the target may hold writes
        saves.awaitSubmitLimit(c.endOffset());
    }

    /**
     * {@code c} was handed to the target. Database marks never merge: at their cap (a backlog of 2^20
     * database changes) the worker first waits for the target to hold what it was sent, which frees them.
     */
    void submitted(ReplicationEvent.Command c, StreamReplayer replay) throws IOException, InterruptedException, ReplayException {
        progress.received(c);
        if (!progress.selected(c)) {
            replay.drain();
            acknowledge(replay);
            if (!progress.selected(c)) {
                throw new ReplayException(c.name(), c.startOffset(), "more than " + progress.databaseCap() + " database changes"
                        + " wait for their checkpoint (a transaction, or writes a restart found applied, switch databases"
                        + " that often); the worker stops rather than forget where one was selected");
            }
        }
    }

    /** After each event ({@code idle}: there was none): acknowledges about every 100 ms, checkpoints every second. */
    void tick(StreamReplayer replay, boolean idle) throws IOException, InterruptedException {
        long now = System.nanoTime();
        if (idle || now - released > RELEASE_NANOS) {
            released = now;
            acknowledge(replay);
            if (now - checkpointed > CHECKPOINT_NANOS) {
                checkpointed = now;
                checkpoint(replay, false);
            }
        }
    }

    /** Frees what the target holds (spooled segments, marks) and measures the lag in time. */
    void acknowledge(StreamReplayer replay) {
        long applied = replay.appliedOffset();
        replica.applied(applied);
        progress.acknowledged(applied);
        progress.measureLag(applied, replica::oldestWaitingSince);
    }

    /** Asks for a streaming checkpoint; {@code wait}: returns once it is on disk (phase changes, stop). */
    void checkpoint(StreamReplayer replay, boolean wait) throws IOException, InterruptedException {
        long applied = replay.appliedOffset();
        progress.acknowledged(applied);
        submitLimit = Math.max(submitLimit, replica.receivedOffset() + SUBMIT_MARGIN);
        Checkpoint c = Checkpoint.streaming(source, replica.replicationId(), replica.receivedOffset(), applied,
                progress.appliedDb(), submitLimit);
        if (wait) {
            saves.saveNow(c);
        } else {
            saves.save(c);
        }
    }
}
