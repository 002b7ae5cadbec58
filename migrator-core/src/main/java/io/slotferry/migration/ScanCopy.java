package io.slotferry.migration;

import io.slotferry.filter.KeyFilter;
import io.slotferry.load.LoadOptions;
import io.slotferry.load.LoadStats;
import io.slotferry.load.LoadSummary;
import io.slotferry.load.SnapshotLoader;
import io.slotferry.load.TargetCapabilities;
import io.slotferry.rdb.ChecksumStatus;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.replication.ReplicationException;
import io.slotferry.replication.scan.KeyspaceEvents;
import io.slotferry.replication.scan.ScanOptions;
import io.slotferry.replication.scan.ScanSource;
import io.slotferry.resp.RedisConnection;
import io.slotferry.routing.HashSlot;
import io.slotferry.source.SourceSpec;
import io.slotferry.write.Write;
import io.slotferry.write.WriteSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The copy of a {@link SourceSpec.Scan} source: a {@code SCAN} + {@code DUMP}/{@code PTTL} walk of every database
 * with keys ({@link ScanSource}), each value loaded as a key of an RDB snapshot is
 * ({@link SnapshotLoader#ofCapturedValues}: key mapping, filters, passed expiries, {@code RESTORE ... REPLACE} with
 * the TTL). The source user needs {@code SCAN}, {@code DUMP}, {@code PTTL}, {@code SELECT} and {@code INFO}, not
 * {@code SYNC}/{@code PSYNC}; following changes also {@code CONFIG GET} and {@code PSUBSCRIBE}.
 *
 * <p>When the source's {@code notify-keyspace-events} names every changed key ({@link KeyspaceEvents#unavailable}),
 * the copy subscribes before the walk and, after it, re-copies each notified key until stopped: {@code DUMP} +
 * {@code PTTL} then {@code RESTORE REPLACE}, or {@code DEL} on the target when the key is gone (or now of a type the
 * filters leave out). When the subscription is lost (see {@link KeyspaceEvents#lost}) it subscribes again, copies
 * what the lost one was told, and walks again from the start: a key deleted between the drop and the new subscription
 * stays on the target (a walk cannot see deletes). Otherwise the copy is the one walk.
 *
 * <p>Not exact under concurrent writes (see {@link ScanSource}): during the walk a key written may be copied before
 * the write and a key created may be missed (a followed copy re-copies both once notified); a key deleted after it was
 * copied stays on the target unless a notification says so, and FLUSHALL/FLUSHDB/SWAPDB are never notified per key.
 * A walk has no position to resume from: a stopped or crashed copy walks again from the start (REPLACE).
 */
final class ScanCopy {
    private static final Logger LOG = Logger.getLogger(ScanCopy.class.getName());
    private static final Duration CONNECT = Duration.ofSeconds(10);
    /** Heap held by changed keys waiting (during the walk, or when writes outpace the copy), at most; over it the copy walks again. */
    private static final long PENDING_BYTES = 32L << 20;
    private static final int BATCH = 100;

    private final SourceSpec.Scan source;
    private final WriteSink sink;
    private final TargetCapabilities target;
    private final LoadOptions options;
    private final LoadStats stats;
    private final BooleanSupplier stop;
    private int version;
    private long recopied;
    private long deleted;

    private ScanCopy(SourceSpec.Scan source, WriteSink sink, TargetCapabilities target, LoadOptions options, LoadStats stats,
                     BooleanSupplier stop) {
        this.source = source;
        this.sink = sink;
        this.target = target;
        this.options = options;
        this.stats = stats;
        this.stop = stop;
    }

    /**
     * Walks {@code source} into {@code sink}; when its notifications allow, tells {@code following} once the first walk
     * is acknowledged and follows changes until {@code stop} says so. Returns once the sink acknowledged every write.
     */
    static LoadSummary copy(SourceSpec.Scan source, WriteSink sink, TargetCapabilities target, LoadOptions options,
                            LoadStats stats, BooleanSupplier stop, Runnable following) throws IOException, InterruptedException {
        ScanCopy copy = new ScanCopy(source, sink, target, options, stats, stop);
        String unavailable;
        try (RedisConnection c = RedisConnection.open(source.endpoint(), CONNECT)) {
            unavailable = KeyspaceEvents.unavailable(c, source.follow());
        }
        if (unavailable != null) {
            LOG.log(Level.INFO, "{0}: one walk; changes after it are not followed: {1}", new Object[] {source.name(), unavailable});
            copy.walk();
        } else {
            copy.walkAndFollow(following);
        }
        return new LoadSummary(copy.version, ChecksumStatus.ABSENT, stats.snapshot());
    }

    private void walkAndFollow(Runnable following) throws IOException, InterruptedException {
        boolean told = false;
        KeyspaceEvents events = KeyspaceEvents.subscribe(source.endpoint(), CONNECT, PENDING_BYTES);
        try (RedisConnection reads = RedisConnection.open(source.endpoint(), CONNECT)) {
            while (!stop.getAsBoolean()) {
                SnapshotLoader loader = walk();
                if (loader == null) {
                    return;
                }
                if (!told) {
                    following.run();
                    told = true;
                }
                LOG.log(Level.INFO, "{0}: following changes by keyspace notifications", source.name());
                follow(events, reads, loader);
                if (events.lost() != null && !stop.getAsBoolean()) {
                    LOG.log(Level.WARNING, "{0}: changes may have been missed ({1}): subscribing again and walking again"
                            + " from the start", new Object[] {source.name(), events.lost()});
                    KeyspaceEvents dropped = events;
                    events = KeyspaceEvents.subscribe(source.endpoint(), CONNECT, PENDING_BYTES);
                    dropped.close();
                    // what the dropped subscription was told before it dropped still counts (the walk cannot see deletes)
                    for (List<KeyspaceEvents.Changed> batch = dropped.take(BATCH); !batch.isEmpty(); batch = dropped.take(BATCH)) {
                        copyAgain(batch, reads, loader);
                    }
                }
            }
        } finally {
            events.close();
            LOG.log(Level.INFO, "{0}: {1} notified keys copied again, {2} deleted on the target",
                    new Object[] {source.name(), recopied, deleted});
        }
    }

    /** Until stopped or the events are lost: each notified key copied again, or deleted on the target. */
    private void follow(KeyspaceEvents events, RedisConnection reads, SnapshotLoader loader)
            throws IOException, InterruptedException {
        while (!stop.getAsBoolean() && events.lost() == null) {
            List<KeyspaceEvents.Changed> changed = events.take(BATCH);
            if (changed.isEmpty()) {
                Thread.sleep(20);
            } else {
                loader = copyAgain(changed, reads, loader);
                sink.flush(); // nothing more for now: writes a sink holds back to batch them go out
            }
        }
        sink.drain();
    }

    /** Copies each key again ({@code DUMP} + {@code PTTL}, RESTORE), or deletes it on the target; returns the loader to go on with. */
    private SnapshotLoader copyAgain(List<KeyspaceEvents.Changed> changed, RedisConnection reads, SnapshotLoader loader)
            throws IOException, InterruptedException {
        KeyFilter filter = options.filter();
        for (KeyspaceEvents.Changed c : changed) {
            byte[] key = options.keyMapping().targetKey(c.db(), c.key());
            if (key == null || filter.byName(c.key()) != null) {
                continue;
            }
            KeyspaceEvents.Dumped d = KeyspaceEvents.dump(reads, c.db(), c.key());
            if (d != null && d.rdbVersion() != version && version != 0) {
                throw new ReplicationException("the DUMP of a key of " + source.name() + " has RDB version " + d.rdbVersion()
                        + " but the walk's had " + version + " (was the source replaced?)");
            }
            if (d == null || !filter.keeps(d.value().key().type().valueType())) {
                sink.submit(new Write(HashSlot.of(key), key, List.of(List.of("DEL".getBytes(StandardCharsets.US_ASCII), key)),
                        -1, null, 0));
                deleted++;
            } else {
                if (version == 0) {
                    version = d.rdbVersion(); // the walk found no key: the first payload names the version
                    loader = SnapshotLoader.ofCapturedValues(sink, target, options, stats, version);
                }
                loader.value(d.value());
                recopied++;
            }
        }
        return loader;
    }

    /** One walk from the start; its loader, or null when stopped before the walk ended. */
    private SnapshotLoader walk() throws IOException, InterruptedException {
        SnapshotLoader loader = null;
        boolean complete = false;
        try (ScanSource walk = ScanSource.open(source.endpoint(), ScanOptions.defaults())) {
            while (!stop.getAsBoolean()) {
                ReplicationEvent e = walk.next();
                if (e == null) {
                    complete = true;
                    break;
                }
                if (e instanceof ReplicationEvent.SnapshotBegin b) {
                    version = b.rdbVersion();
                    loader = SnapshotLoader.ofCapturedValues(sink, target, options, stats, version);
                } else if (e instanceof ReplicationEvent.SnapshotData d && d.event() instanceof RdbEvent.RawValue v) {
                    loader.value(v);
                }
            }
            sink.drain();
            LOG.log(Level.INFO, "{0}: {1} walk of databases {2}: {3} keys dumped, {4} gone between SCAN and DUMP",
                    new Object[] {source.name(), complete ? "complete" : "stopped", walk.databases(), walk.keys(),
                            walk.skippedVanished()});
        }
        return complete ? loader : null;
    }
}
