package io.slotferry.migration;

import io.slotferry.load.LoadOptions;
import io.slotferry.load.LoadStats;
import io.slotferry.load.LoadSummary;
import io.slotferry.load.SnapshotLoader;
import io.slotferry.replication.file.RdbFiles;
import io.slotferry.source.SourceSpec;
import io.slotferry.write.ClusterWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One source instance, start to end, in the order that makes the copy correct: the snapshot is
 * loaded first and acknowledged by the target; then the source's command stream is applied from
 * the position the snapshot was taken at. A file source has a snapshot and no stream.
 *
 * <p>Each worker writes through its own {@link ClusterWriter}: workers never wait on each other,
 * and each one's applied offset covers its own writes only.
 */
public final class Worker {
    private final SourceSpec source;
    private final Target target;
    private final LoadOptions loadOptions;
    private final Path stateDir;
    private final LoadStats stats = new LoadStats();

    public Worker(SourceSpec source, Target target, LoadOptions loadOptions, Path stateDir) {
        this.source = source;
        this.target = target;
        this.loadOptions = loadOptions;
        this.stateDir = stateDir;
    }

    public SourceSpec source() {
        return source;
    }

    /** Live counters, for progress lines. */
    public LoadStats stats() {
        return stats;
    }

    /** Runs the worker to its end; returns once every write is acknowledged. */
    public LoadSummary run() throws IOException, InterruptedException {
        if (!(source instanceof SourceSpec.RdbFile file)) {
            throw new IllegalArgumentException("no worker for source " + source.name());
        }
        try (ClusterWriter writer = ClusterWriter.open(target.endpoint(), target.writerOptions(), stats)) {
            return snapshot(file, writer);
            // a file has no stream: a live source continues here from the snapshot's position
        }
    }

    private LoadSummary snapshot(SourceSpec.RdbFile file, ClusterWriter writer) throws IOException, InterruptedException {
        // A compressed file or standard input is copied (decompressed, streamed) into the state
        // directory: big values are decoded in a second read at their offset.
        try (RdbFiles.SeekableRdb rdb = RdbFiles.seekable(file.file(), stateDir)) {
            return SnapshotLoader.load(rdb.path(), writer, target.capabilities(), loadOptions, stats);
        }
    }
}
