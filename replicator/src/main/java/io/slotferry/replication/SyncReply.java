package io.slotferry.replication;

/** How the master answered PSYNC (or SYNC). */
public sealed interface SyncReply {

    /** {@code +FULLRESYNC <replid> <offset>}: an RDB follows; the stream continues at {@code offset}. */
    record FullResync(ReplicationId replid, long offset) implements SyncReply {
    }

    /**
     * {@code +CONTINUE} or {@code +CONTINUE <new-replid>} (PSYNC2 id switch after a failover): the
     * backlog follows from the requested offset, no RDB.
     */
    record Continue(ReplicationId replid) implements SyncReply {
    }

    /** The master does not know PSYNC; {@code SYNC} was sent: an RDB follows, no id or offset. */
    record LegacySync() implements SyncReply {
    }
}
