package io.slotferry.write;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.routing.ClusterTopology;
import io.slotferry.routing.HashSlot;
import io.slotferry.routing.SlotTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Writes into a Redis Cluster (or a standalone server) through one pipelined {@link ShardWriter}
 * per primary.
 *
 * <p>Routing keeps per-slot order across topology changes: while a slot has writes in flight, new
 * writes of that slot go to the same writer as the earlier ones (which forwards them, in order, if
 * the slot has moved); only a slot with nothing in flight is routed by the current slot table.
 * Redirects refresh the table, which is replaced whole.
 *
 * <p>Memory is bounded by {@link WriterOptions#maxInFlightBytes()}: {@link #submit} waits while the
 * writes not yet settled hold that many encoded bytes. Uses only commands a managed service allows
 * (no CONFIG, MIGRATE, SYNC, SAVE, DEBUG): the writes themselves, {@code MULTI/EXEC}, {@code ASKING},
 * {@code WAIT}, {@code INFO}, {@code CLIENT SETNAME} and {@code CLUSTER SHARDS/SLOTS}.
 */
public final class ClusterWriter implements WriteSink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClusterWriter.class.getName());
    private static final int MAX_REDIRECTS = 16;
    private static final long MIN_REFRESH_NANOS = 100_000_000L;

    private final RedisEndpoint seed;
    private final boolean clusterMode;
    private final WriterOptions options;
    private final WriteListener listener;
    private final RateLimit rateLimit;
    private final AppliedOffsets offsets = new AppliedOffsets();
    private final Map<String, ShardWriter> writers = new ConcurrentHashMap<>();
    private final ShardWriter[] slotWriter = new ShardWriter[HashSlot.SLOTS];
    private final AtomicIntegerArray slotInFlight = new AtomicIntegerArray(HashSlot.SLOTS);
    private volatile SlotTable table;
    private long lastRefreshNanos;

    private final Object budget = new Object();
    private final AtomicLong inFlight = new AtomicLong();
    private volatile boolean submitterWaiting;
    private volatile boolean drainWaiting;
    private volatile WriteException failure;
    private volatile boolean closed;

    private final WriterCounters counters = new WriterCounters();
    /** What the shard writers see of this writer. */
    private final ShardOwner owner = new Owner();
    private volatile ShardWriter[] primaryWriters;
    private volatile SlotTable byIndexTable;

    private ClusterWriter(RedisEndpoint seed, boolean clusterMode, SlotTable table, WriterOptions options, WriteListener listener) {
        this.seed = seed;
        this.clusterMode = clusterMode;
        this.table = table;
        this.options = options;
        this.listener = listener;
        this.rateLimit = new RateLimit(options.maxOpsPerSecond(), options.maxBytesPerSecond());
    }

    /**
     * Connects to {@code seed} (any node, or a configuration endpoint), tells cluster mode from
     * standalone ({@code INFO cluster}), and reads the slot table; a slot no primary serves is a
     * {@link io.slotferry.routing.TopologyException}.
     */
    public static ClusterWriter open(RedisEndpoint seed, WriterOptions options, WriteListener listener) throws IOException {
        try (RedisConnection c = RedisConnection.open(seed, options.connectTimeout())) {
            boolean cluster = clusterEnabled(c);
            SlotTable table = cluster ? ClusterTopology.discover(c) : SlotTable.single(seed);
            ClusterWriter w = new ClusterWriter(seed, cluster, table, options, listener);
            LOG.info(() -> "target " + seed + ": " + (cluster ? "cluster with " + table.primaries().size() + " primaries"
                    : "standalone server (cluster mode disabled)"));
            return w;
        }
    }

    static boolean clusterEnabled(RedisConnection c) throws IOException {
        RespValue info = c.call("INFO", "cluster");
        if (info instanceof RespValue.Bulk b && b.bytes() != null) {
            return new String(b.bytes(), StandardCharsets.UTF_8).contains("cluster_enabled:1");
        }
        throw new IOException("INFO cluster answered " + info + " on " + c.endpoint());
    }

    /** True for a cluster-mode target. */
    public boolean clusterMode() {
        return clusterMode;
    }

    @Override
    public void submit(Write write) throws WriteException, InterruptedException {
        checkFailure();
        AppliedOffsets.Mark mark = offsets.register(write.sourceOffset());
        Pending p = Pending.write(write, mark);
        rateLimit.acquire(p.wireBytes()); // --max-bytes: bytes on the wire, not the in-flight budget's heap estimate
        long held = inFlight.get();
        if (held > 0 && held + p.bytes() > options.maxInFlightBytes()) {
            flush(); // what waits here must be on its way, or the budget would never come back
            synchronized (budget) {
                submitterWaiting = true;
                while ((held = inFlight.get()) > 0 && held + p.bytes() > options.maxInFlightBytes() && failure == null && !closed) {
                    budget.wait(10);
                }
                submitterWaiting = false;
            }
            checkFailure();
        }
        inFlight.addAndGet(p.bytes()); // one submitting thread: nothing else adds between the check and here
        int slot = write.slot();
        ShardWriter w = slotInFlight.get(slot) > 0 ? slotWriter[slot] : null;
        if (w == null) {
            w = writerForSlot(slot);
        }
        slotWriter[slot] = w;
        slotInFlight.incrementAndGet(slot);
        if (w.stage(p)) {
            w.handOver();
        }
    }

    /** Hands every staged write to its primary's sender (called by the submitting thread when it has no more for now). */
    @Override
    public void flush() {
        for (ShardWriter w : writers.values()) {
            if (w.staged()) {
                w.handOver();
            }
        }
    }

    @Override
    public void drain() throws WriteException, InterruptedException {
        flush();
        synchronized (budget) {
            drainWaiting = true;
            while (inFlight.get() > 0 && failure == null && !closed) {
                budget.wait(10);
            }
            drainWaiting = false;
        }
        checkFailure();
    }

    @Override
    public long appliedOffset() {
        return offsets.applied();
    }

    /** The applied-offset arithmetic of this writer's writes, which a replayer feeding it reports its commands to. */
    public AppliedOffsets offsets() {
        return offsets;
    }

    /** The in-flight budget ({@link WriterOptions#maxInFlightBytes()}): a caller holding writes back sizes what it holds by it. */
    public long maxInFlightBytes() {
        return options.maxInFlightBytes();
    }

    public WriterStats stats() {
        return counters.snapshot(inFlight.get());
    }

    @Override
    public void close() {
        closed = true;
        for (ShardWriter w : writers.values()) {
            w.close();
        }
        synchronized (budget) {
            budget.notifyAll();
        }
    }

    private void checkFailure() throws WriteException {
        WriteException f = failure;
        if (f != null) {
            throw new WriteException(f.getMessage(), f);
        }
        if (closed) {
            throw new WriteException("the writer is closed");
        }
    }

    // ------------------------------------------------------------ what the shard writers see (ShardOwner)

    /** {@link ShardOwner} of this writer's shard writers: the only calls they make into it. */
    private final class Owner implements ShardOwner {
        @Override
        public WriterOptions options() {
            return options;
        }

        @Override
        public WriterCounters counters() {
            return counters;
        }

        @Override
        public boolean failed() {
            return failure != null || closed;
        }

        @Override
        public void fail(String message, Throwable cause) {
            ClusterWriter.this.fail(message, cause);
        }

        @Override
        public void refreshTopology() {
            ClusterWriter.this.refreshTopology();
        }

        @Override
        public boolean servesSlots(String address) {
            return ClusterWriter.this.servesSlots(address);
        }

        @Override
        public ShardWriter writerForSlot(int slot) {
            return ClusterWriter.this.writerForSlot(slot);
        }

        @Override
        public void redirected(Pending p, String host, int port, boolean asking) {
            ClusterWriter.this.redirected(p, host, port, asking);
        }

        @Override
        public void settle(List<Pending> applied) {
            ClusterWriter.this.settle(applied);
        }

        @Override
        public void superseded(Pending p, String reply) {
            ClusterWriter.this.superseded(p, reply);
        }

        @Override
        public void refused(Pending p, String reply) {
            ClusterWriter.this.refused(p, reply);
        }
    }

    private void fail(String message, Throwable cause) {
        synchronized (budget) {
            if (failure == null) {
                failure = new WriteException(message, cause);
                LOG.severe(message);
            }
            budget.notifyAll();
        }
    }

    /** The writer of a primary (created, with its threads, on first use). */
    private ShardWriter writerFor(RedisEndpoint node) {
        String address = node.host() + ":" + node.port();
        return writers.computeIfAbsent(address, a -> new ShardWriter(owner, node));
    }

    /** The writer of the primary the current table names for {@code slot}. */
    private ShardWriter writerForSlot(int slot) {
        SlotTable t = table;
        ShardWriter[] byIndex = primaryWriters;
        if (byIndex == null || byIndexTable != t) {
            // one writer per primary of this table, looked up by index: no per-write address strings
            byIndex = new ShardWriter[t.primaries().size()];
            for (int i = 0; i < byIndex.length; i++) {
                byIndex[i] = writerFor(t.primaries().get(i));
            }
            primaryWriters = byIndex;
            byIndexTable = t;
        }
        return byIndex[t.primaryIndexOf(slot)];
    }

    /** True when the table names the node at {@code address} as a primary. */
    private boolean servesSlots(String address) {
        for (RedisEndpoint e : table.primaries()) {
            if ((e.host() + ":" + e.port()).equals(address)) {
                return true;
            }
        }
        return false;
    }

    /** Follows a {@code MOVED} ({@code asking} false) or {@code ASK} to the named node. */
    private void redirected(Pending p, String host, int port, boolean asking) {
        if (++p.redirects > MAX_REDIRECTS) {
            fail(p.describe() + " was redirected " + MAX_REDIRECTS + " times (last to " + host + ":" + port
                    + "): the cluster's slot map does not settle", null);
            return;
        }
        p.asking = asking;
        if (asking) {
            counters.asked.incrementAndGet();
        } else {
            counters.moved.incrementAndGet();
            refreshTopology();
        }
        writerFor(seed.at(host, port)).enqueue(p);
    }

    /**
     * Reads the slot table again from the seed or any known primary; keeps the old one when none
     * answers with a complete table. Rate-limited: callers in a burst share one refresh.
     */
    private synchronized void refreshTopology() {
        if (!clusterMode || System.nanoTime() - lastRefreshNanos < MIN_REFRESH_NANOS) {
            return;
        }
        lastRefreshNanos = System.nanoTime();
        Set<RedisEndpoint> candidates = new LinkedHashSet<>();
        candidates.add(seed);
        candidates.addAll(table.primaries());
        List<String> problems = new ArrayList<>();
        for (RedisEndpoint e : candidates) {
            try (RedisConnection c = RedisConnection.open(e, options.connectTimeout())) {
                table = ClusterTopology.discover(c);
                counters.refreshes.incrementAndGet();
                return;
            } catch (IOException ex) {
                problems.add(e.host() + ":" + e.port() + ": " + ex.getMessage());
            }
        }
        LOG.fine(() -> "slot table not refreshed: " + String.join("; ", problems));
    }

    /** Every write of {@code applied} is applied (and confirmed): release their budget, slots and offsets. */
    private void settle(List<Pending> applied) {
        long bytes = 0;
        for (int i = 0, n = applied.size(); i < n; i++) {
            Pending p = applied.get(i);
            listener.acknowledged(p.write);
            offsets.settle(p.mark);
            slotInFlight.decrementAndGet(p.write.slot());
            bytes += p.bytes();
        }
        counters.acknowledged.addAndGet(applied.size());
        released(inFlight.addAndGet(-bytes));
    }

    /** {@code p}, applied again, met a key a later write replaced: settled, counted apart (see ShardWriter). */
    private void superseded(Pending p, String reply) {
        counters.superseded.incrementAndGet();
        // rare (a write applied again after a restart or a lost connection) and never silent
        LOG.info(() -> p.describe() + " applied again met a key a later write replaced (" + reply
                + "): that write, applied again after it, decides the key");
        settle(List.of(p));
    }

    /** {@code p} was refused with a data error. */
    private void refused(Pending p, String reply) {
        if (listener.expected(p.write, reply)) {
            release(p); // e.g. BUSYKEY of a RESTORE told not to replace: the listener counts it as skipped
            return;
        }
        counters.refused.incrementAndGet();
        listener.refused(p.write, reply);
        String message = p.describe() + " refused by the target: " + reply;
        if (options.onDataError() == DataErrorPolicy.STOP) {
            fail(message + " (stopping; pass the skip option for data errors to count and go on)", null);
        } else {
            LOG.warning(message);
        }
        release(p);
    }

    private void release(Pending p) {
        offsets.settle(p.mark);
        slotInFlight.decrementAndGet(p.write.slot());
        released(inFlight.addAndGet(-p.bytes()));
    }

    /** Bytes went back to the in-flight budget, leaving {@code now} held. */
    private void released(long now) {
        // wake a waiting submitter once room for a batch is back (or all is done), not on every write
        if (submitterWaiting && now <= options.maxInFlightBytes() * 3 / 4 || drainWaiting && now == 0) {
            synchronized (budget) {
                budget.notifyAll();
            }
        }
    }
}
