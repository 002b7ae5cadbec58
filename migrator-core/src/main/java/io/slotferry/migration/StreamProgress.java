package io.slotferry.migration;

import io.slotferry.replication.OffsetMarks;
import io.slotferry.replication.ReplicationEvent;
import java.util.function.LongSupplier;

/**
 * What a worker keeps of its stream between checkpoints: when each command handed to the target was
 * received (the lag in time) and which database was selected where (a checkpoint at the applied offset
 * names the one selected there). Written by the worker's thread; {@link #lagMillis} is read by the status.
 */
final class StreamProgress {
    private final OffsetMarks receiveTimes = OffsetMarks.times();
    private final OffsetMarks databases = OffsetMarks.databases();
    private int appliedDb;
    private volatile long lagMillis;

    /** The stream starts just after {@code offset}, with database {@code db} selected there. */
    void restart(long offset, int db) {
        receiveTimes.clear();
        databases.clear();
        databases.record(offset, db);
        appliedDb = db;
    }

    /** {@code c} was handed to the target: its receive time is kept until the target holds it. */
    void received(ReplicationEvent.Command c) {
        receiveTimes.record(c.endOffset(), c.receivedAtMillis());
    }

    /**
     * {@code c}'s database is kept until the target holds it. Database marks never merge: false at their
     * cap, when the caller must wait for the target to hold what it was sent (which frees them) and try again.
     */
    boolean selected(ReplicationEvent.Command c) {
        return databases.record(c.endOffset(), c.db());
    }

    int databaseCap() {
        return databases.cap();
    }

    /** The target holds everything up to {@code applied}: the marks at or below it go. */
    void acknowledged(long applied) {
        receiveTimes.release(applied);
        long db = databases.at(applied);
        if (db >= 0) {
            appliedDb = (int) db;
        }
    }

    /**
     * Measures the lag in time after {@link #acknowledged}: the age of the oldest command received but not
     * held by the target, or else of the oldest still waiting in the spool ({@code oldestWaiting}, -1 when none).
     */
    void measureLag(long applied, LongSupplier oldestWaiting) {
        long oldest = receiveTimes.firstAfter(applied);
        if (oldest < 0) {
            oldest = oldestWaiting.getAsLong();
        }
        lagMillis = oldest < 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
    }

    /** The database selected at the last acknowledged offset: what a checkpoint names. */
    int appliedDb() {
        return appliedDb;
    }

    long lagMillis() {
        return lagMillis;
    }
}
