package io.slotferry.command;

/**
 * How the replayer sends one command to a Redis Cluster. Derived per command by {@link CommandTable}:
 * an override first, then the {@code request_policy} tip, then whether the command has keys.
 */
public enum ShardPolicy {
    /** No keys and no cluster-wide effect: any primary (or none) can take it. */
    KEYLESS,
    /** Keys that must all hash to one slot; sent to that slot's primary as is. */
    SINGLE_KEY_OR_SLOT,
    /** {@code request_policy:multi_shard} (DEL, MSET…): split into one command per slot. */
    MULTI_SHARD_SPLIT,
    /** {@code request_policy:all_shards} or {@code all_nodes} (FUNCTION LOAD, FLUSHALL…): sent to every primary. */
    ALL_SHARDS,
    /** Handled by replayer code (SELECT, MULTI, scripts, Codis slots*…), never routed by the table alone. */
    SPECIAL
}
