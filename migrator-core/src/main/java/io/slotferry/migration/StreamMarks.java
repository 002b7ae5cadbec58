package io.slotferry.migration;

import io.slotferry.replication.ReplicationEvent;
import java.util.ArrayDeque;

/**
 * What a worker remembers about commands it handed to the target but the target has not all
 * acknowledged: when they were received (for lag in seconds) and which database was selected where
 * (a checkpoint at an offset must name the database selected there).
 *
 * <p>Bounded: at most one time mark per millisecond, and {@link #CAP} in all; past the cap no new
 * mark is started: the last one grows to cover the new commands with its earlier time, so the age
 * read is then too old, never too young. Database
 * changes are rare (a SELECT), and are freed with the acknowledged offset too. Used by the worker
 * thread only.
 */
final class StreamMarks {
    static final int CAP = 100_000;

    private record Mark(long end, long value) {
    }

    private final ArrayDeque<Mark> times = new ArrayDeque<>();
    private final ArrayDeque<Mark> dbs = new ArrayDeque<>();
    private int appliedDb;

    /** Starts over at a stream position whose selected database is {@code db}. */
    void reset(int db) {
        times.clear();
        dbs.clear();
        appliedDb = db;
    }

    /** A command was handed to the target. */
    void submitted(ReplicationEvent.Command c) {
        Mark lastTime = times.peekLast();
        if (lastTime != null && (lastTime.value() == c.receivedAtMillis() || times.size() >= CAP)) {
            // Same millisecond, or at the cap: the last mark covers this command too, with its (earlier) time.
            times.pollLast();
            times.addLast(new Mark(c.endOffset(), lastTime.value()));
        } else {
            times.addLast(new Mark(c.endOffset(), c.receivedAtMillis()));
        }
        Mark lastDb = dbs.peekLast();
        int current = lastDb != null ? (int) lastDb.value() : appliedDb;
        if (c.db() != current) {
            dbs.addLast(new Mark(c.endOffset(), c.db()));
        }
    }

    /** The target holds everything up to {@code applied}: marks at or below it go. */
    void acknowledged(long applied) {
        while (!times.isEmpty() && times.peekFirst().end() <= applied) {
            times.pollFirst();
        }
        while (!dbs.isEmpty() && dbs.peekFirst().end() <= applied) {
            appliedDb = (int) dbs.pollFirst().value();
        }
    }

    /** The database selected at the acknowledged offset. */
    int appliedDb() {
        return appliedDb;
    }

    /** When the oldest submitted but unacknowledged command was received (epoch ms), -1 when none waits. */
    long oldestUnacknowledged() {
        Mark first = times.peekFirst();
        return first == null ? -1 : first.value();
    }
}
