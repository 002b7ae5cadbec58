package io.slotferry.migration;

import io.slotferry.load.LoadOptions;
import io.slotferry.load.LoadStats;
import io.slotferry.load.LoadSummary;
import io.slotferry.load.SnapshotLoader;
import io.slotferry.load.TargetCapabilities;
import io.slotferry.rdb.ChecksumStatus;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.replication.scan.ScanOptions;
import io.slotferry.replication.scan.ScanSource;
import io.slotferry.source.SourceSpec;
import io.slotferry.write.WriteSink;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The copy of a {@link SourceSpec.Scan} source: one {@code SCAN} + {@code DUMP}/{@code PTTL} walk of every database
 * with keys ({@link ScanSource}), each value loaded as a key of an RDB snapshot is
 * ({@link SnapshotLoader#ofCapturedValues}: key mapping, filters, passed expiries, {@code RESTORE ... REPLACE} with
 * the TTL). The source user needs {@code SCAN}, {@code DUMP}, {@code PTTL}, {@code SELECT} and {@code INFO}, not
 * {@code SYNC}/{@code PSYNC}.
 *
 * <p>Not exact under concurrent writes (see {@link ScanSource}): a key written during the walk holds the value it had
 * when it was dumped, a key created during the walk may be missed, and a key deleted after it was dumped stays on the
 * target. A walk has no position to resume from: a stopped or crashed copy walks again from the start, and loading a
 * key twice is harmless (REPLACE). No command stream follows the walk.
 */
final class ScanCopy {
    private static final Logger LOG = Logger.getLogger(ScanCopy.class.getName());

    private ScanCopy() {
    }

    /**
     * Walks {@code source} into {@code sink} until the walk ends or {@code stop} says so, then waits until the sink
     * acknowledged every write.
     */
    static LoadSummary copy(SourceSpec.Scan source, WriteSink sink, TargetCapabilities target, LoadOptions options,
                            LoadStats stats, BooleanSupplier stop) throws IOException, InterruptedException {
        int version = 0;
        boolean complete = false;
        try (ScanSource walk = ScanSource.open(source.endpoint(), ScanOptions.defaults())) {
            SnapshotLoader loader = null;
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
        return new LoadSummary(version, ChecksumStatus.ABSENT, stats.snapshot());
    }
}
