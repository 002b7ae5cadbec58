package io.slotferry.replication;

import io.slotferry.rdb.RdbEvent;
import io.slotferry.resp.Ascii;
import java.nio.file.Path;
import java.util.List;

/**
 * What a source delivers, in order: a snapshot (begin, the parser's events, end) and then commands,
 * or, after a partial resync, {@link StreamResumed} and commands. Nothing is filtered here: PING,
 * SELECT, REPLCONF GETACK and every other command of the stream arrive as {@link Command}s.
 */
public sealed interface ReplicationEvent {

    /**
     * A full snapshot starts; it supersedes everything delivered before. {@code offset} is the
     * replication offset the stream continues from after the snapshot: 0 for a SYNC session (offsets
     * then count from the snapshot and cannot be resumed, {@code replid} is {@link ReplicationId#NONE}),
     * -1 for files and SCAN, which have no stream. {@code rdbVersion} is the snapshot's RDB version
     * (for RESTORE payloads).
     */
    record SnapshotBegin(ReplicationId replid, long offset, int rdbVersion) implements ReplicationEvent {
    }

    /** One event of the snapshot as the RDB parser produced it (keys, AUX fields, SELECTDB, ...). */
    record SnapshotData(RdbEvent event) implements ReplicationEvent {
    }

    /**
     * The snapshot as the RDB file the master sent, byte for byte, delivered instead of
     * {@link SnapshotData} events when {@link ReplicaOptions#deliverSnapshotFile()} is set; it comes
     * between {@link SnapshotBegin} and {@link SnapshotEnd}. The consumer reads the file (as often and
     * wherever it likes) before calling {@code next()} again: the next call to {@code next()},
     * {@code poll()} or {@code close()} deletes it. A full sync that starts meanwhile does not touch
     * it; that next call then returns the new snapshot's {@link SnapshotBegin} instead of this one's
     * {@link SnapshotEnd}, as in parsed mode.
     */
    record SnapshotFile(ReplicationId replid, long offset, Path file, SnapshotBytes bytes) implements ReplicationEvent {
        /** A snapshot whose file is complete. */
        public SnapshotFile(ReplicationId replid, long offset, Path file) {
            this(replid, offset, file, SnapshotBytes.complete(file));
        }
    }

    /** The snapshot is complete; commands from {@code offset} follow (for streaming sources). */
    record SnapshotEnd(ReplicationId replid, long offset) implements ReplicationEvent {
    }

    /**
     * A partial resynchronization was accepted ({@code +CONTINUE}): no snapshot; commands continue
     * at {@code offset}. {@code replid} is the id to resume with next time (it changes after a
     * failover, PSYNC2).
     */
    record StreamResumed(ReplicationId replid, long offset) implements ReplicationEvent {
    }

    /**
     * One command of the replication stream, exactly as the master sent it.
     *
     * @param db          the database selected when the command arrived (after SELECT itself: the new one)
     * @param argv        arguments as raw bytes, the command name first
     * @param startOffset replication offset of the command's first byte
     * @param endOffset   replication offset just after its last byte (what a replica acknowledges)
     * @param receivedAtMillis wall clock (epoch ms) when the socket read that completed the command's
     *                    bytes returned: the base for relative expiries (EXPIRE, SETEX, SET EX/PX) of
     *                    old masters' streams, so time spent in the spool does not stretch a TTL. Never
     *                    decreases along the stream.
     */
    record Command(int db, List<byte[]> argv, long startOffset, long endOffset, long receivedAtMillis)
            implements ReplicationEvent {
        /** The command name, upper-cased (ASCII). */
        public String name() {
            return Ascii.upper(argv.get(0));
        }
    }
}
