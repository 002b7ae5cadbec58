package io.slotferry.migration;

import io.slotferry.command.CommandTable;
import io.slotferry.load.LoadOptions;
import io.slotferry.load.LoadStats;
import io.slotferry.load.LoadSummary;
import io.slotferry.load.ScriptListener;
import io.slotferry.load.SnapshotLoader;
import io.slotferry.replay.FunctionLibraries;
import io.slotferry.replay.ReplayOptions;
import io.slotferry.replay.ReplayStats;
import io.slotferry.replay.StreamReplayer;
import io.slotferry.replication.Replica;
import io.slotferry.replication.ReplicaOptions;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.replication.file.RdbFiles;
import io.slotferry.source.SourceSpec;
import io.slotferry.translate.ScriptCache;
import io.slotferry.write.ClusterWriter;
import io.slotferry.write.TargetNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One source instance, start to end, in the order that makes the copy correct: the snapshot is
 * loaded first and acknowledged by the target; then the source's command stream is applied from
 * the position the snapshot was taken at. A file source has a snapshot and no stream; a live source
 * streams until {@link #stop()}.
 *
 * <p>Each worker writes through its own {@link ClusterWriter}: workers never wait on each other,
 * and each one's applied offset covers its own writes only.
 */
public final class Worker {
    private static final Logger LOG = Logger.getLogger(Worker.class.getName());
    private static final long RELEASE_NANOS = 100_000_000L;

    private final SourceSpec source;
    private final Target target;
    private final LoadOptions loadOptions;
    private final ReplayOptions replayOptions;
    private final Path stateDir;
    private final LoadStats stats = new LoadStats();
    private final ReplayStats replayStats = new ReplayStats();
    private volatile StreamReplayer replayer;
    private volatile Replica replica;
    private volatile boolean stopping;

    public Worker(SourceSpec source, Target target, LoadOptions loadOptions, ReplayOptions replayOptions, Path stateDir) {
        this.source = source;
        this.target = target;
        this.loadOptions = loadOptions.withKeyMapping(replayOptions.dbMapping());
        this.replayOptions = replayOptions;
        this.stateDir = stateDir;
    }

    public SourceSpec source() {
        return source;
    }

    /** Live counters of the snapshot load, for progress lines. */
    public LoadStats stats() {
        return stats;
    }

    /** Live counters of the stream replay. */
    public ReplayStats replayStats() {
        return replayStats;
    }

    /** Source offset up to which the target holds every command of the stream; -1 before streaming. */
    public long appliedOffset() {
        StreamReplayer r = replayer;
        return r == null ? -1 : r.appliedOffset();
    }

    /** Source offset received from a live source; -1 otherwise. */
    public long receivedOffset() {
        Replica r = replica;
        return r == null ? -1 : r.receivedOffset();
    }

    /** Asks a streaming worker to finish: it drains what it submitted and returns. */
    public void stop() {
        stopping = true;
    }

    /** Runs the worker to its end; returns once every write is acknowledged. */
    public LoadSummary run() throws Exception {
        if (source instanceof SourceSpec.Live live) {
            return replicate(live);
        }
        try (ClusterWriter writer = openWriter()) {
            return snapshot((SourceSpec.RdbFile) source, writer);
        }
    }

    private ClusterWriter openWriter() throws IOException {
        return ClusterWriter.open(target.endpoint(), target.writerOptions(), stats);
    }

    private LoadSummary snapshot(SourceSpec.RdbFile file, ClusterWriter writer) throws IOException, InterruptedException {
        // A compressed file or standard input is copied (decompressed, streamed) into the state
        // directory: big values are decoded in a second read at their offset.
        try (RdbFiles.SeekableRdb rdb = RdbFiles.seekable(file.file(), stateDir)) {
            return SnapshotLoader.load(rdb.path(), writer, target.capabilities(), loadOptions, stats);
        }
    }

    /**
     * Snapshot, then the stream from the snapshot's offset, until stopped. The snapshot and the stream
     * have writers of their own: snapshot writes carry RDB byte offsets, stream writes replication
     * offsets, and each writer's applied offset must only grow.
     */
    private LoadSummary replicate(SourceSpec.Live live) throws Exception {
        Path spool = Files.createDirectories(stateDir.resolve("spool-" + live.endpoint().host() + "-" + live.endpoint().port()));
        ScriptCache scripts = new ScriptCache();
        ClusterWriter streamWriter = null;
        try (TargetNodes nodes = TargetNodes.open(target.endpoint(), target.writerOptions().connectTimeout());
             Replica r = Replica.start(live.endpoint(), ReplicaOptions.defaults(spool).withSnapshotFile(true))) {
            replica = r;
            LoadSummary summary = null;
            StreamReplayer replay = null;
            long released = System.nanoTime();
            while (!stopping) {
                ReplicationEvent e = r.poll(200);
                if (e == null) {
                    if (replay != null) {
                        r.applied(replay.appliedOffset());
                    }
                } else if (e instanceof ReplicationEvent.Command c) {
                    replay.apply(c);
                    long now = System.nanoTime();
                    if (now - released > RELEASE_NANOS) {
                        r.applied(replay.appliedOffset()); // frees spooled segments the target holds, and the quota
                        released = now;
                    }
                } else if (e instanceof ReplicationEvent.SnapshotFile f) {
                    if (streamWriter != null) {
                        LOG.log(Level.WARNING, "{0}: the source forced a new full sync; its snapshot is loaded again over"
                                + " the target (keys the source deleted while the link was down stay)", live.name());
                        replay.drain();
                        streamWriter.close();
                        streamWriter = null;
                        replayer = null;
                    }
                    try (ClusterWriter w = openWriter()) {
                        summary = SnapshotLoader.load(f.file(), w, target.capabilities(), loadOptions, stats,
                                new SnapshotScripts(scripts, nodes));
                    }
                } else if (e instanceof ReplicationEvent.SnapshotEnd || e instanceof ReplicationEvent.StreamResumed) {
                    long offset = e instanceof ReplicationEvent.SnapshotEnd end ? end.offset()
                            : ((ReplicationEvent.StreamResumed) e).offset();
                    if (streamWriter == null) {
                        streamWriter = openWriter();
                        replay = new StreamReplayer(CommandTable.load(), replayOptions, streamWriter, nodes, target.capabilities(),
                                replayStats, scripts);
                    }
                    replay.startAt(offset);
                    replayer = replay;
                } else if (e instanceof ReplicationEvent.SnapshotData) {
                    throw new IllegalStateException("parsed snapshot events in file mode");
                }
                // SnapshotBegin: in file mode the snapshot itself comes as SnapshotFile
            }
            if (replay != null) {
                replay.drain();
                r.applied(replay.appliedOffset());
            }
            return summary != null ? summary : new LoadSummary(0, io.slotferry.rdb.ChecksumStatus.ABSENT, stats.snapshot());
        } finally {
            if (streamWriter != null) {
                streamWriter.close();
            }
        }
    }

    /** The snapshot's scripts: cached bodies for EVALSHA, function libraries loaded on every primary. */
    private record SnapshotScripts(ScriptCache cache, TargetNodes nodes) implements ScriptListener {
        @Override
        public void luaScript(byte[] body) {
            cache.add(body);
        }

        @Override
        public void functionLibrary(byte[] code) throws IOException {
            FunctionLibraries.loadEverywhere(nodes, code);
        }
    }
}
