package io.slotferry.write;

import java.util.List;

/**
 * What a {@link ShardWriter} needs from the {@link ClusterWriter} that owns it: its options, where a
 * slot's writes go now, and what happens to a write once its primary is done with it. Everything else
 * about the cluster stays with the owner.
 */
interface ShardOwner {
    WriterOptions options();

    WriterCounters counters();

    /** True once the whole writer stopped (a fatal error, or closed): shard threads end. */
    boolean failed();

    /** Stops the whole writer with {@code message} (the first failure wins). */
    void fail(String message, Throwable cause);

    /** Reads the slot table again (rate-limited). */
    void refreshTopology();

    /** True when the current slot table names the node at {@code address} as a primary. */
    boolean servesSlots(String address);

    /** The writer of the primary the current slot table names for {@code slot} (a forwarder's destination). */
    ShardWriter writerForSlot(int slot);

    /** Follows a {@code MOVED} ({@code asking} false) or {@code ASK} of {@code p} to the named node. */
    void redirected(Pending p, String host, int port, boolean asking);

    /** Every write of {@code applied} is applied (and confirmed by the replicas); the shared counters move once. */
    void settle(List<Pending> applied);

    /** {@code p}, applied again, met a key a later write replaced: settled, counted apart. */
    void superseded(Pending p, String reply);

    /** {@code p} was refused with a data error. */
    void refused(Pending p, String reply);
}
