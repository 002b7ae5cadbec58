package io.slotferry.source;

/** Which server of a shard a worker replicates from: a healthy replica spares the master the full sync's fork. */
public enum SyncFrom {
    /** A replica whose link to the master is up, when there is one; the master otherwise. */
    REPLICA,
    /** Always the master. */
    MASTER;
}
