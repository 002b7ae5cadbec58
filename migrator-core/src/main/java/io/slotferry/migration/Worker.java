package io.slotferry.migration;

import io.slotferry.checkpoint.BackgroundSaves;
import io.slotferry.checkpoint.Checkpoint;
import io.slotferry.checkpoint.RunIdentity;
import io.slotferry.checkpoint.StateDirectory;
import io.slotferry.command.CommandTable;
import io.slotferry.filter.KeyFilter;
import io.slotferry.filter.StreamFilter;
import io.slotferry.load.LoadOptions;
import io.slotferry.load.LoadStats;
import io.slotferry.load.LoadSummary;
import io.slotferry.load.ScriptListener;
import io.slotferry.load.SnapshotLoader;
import io.slotferry.rdb.ChecksumStatus;
import io.slotferry.replay.FunctionLibraries;
import io.slotferry.replay.ReplayOptions;
import io.slotferry.replay.ReplayStats;
import io.slotferry.replay.StreamReplayer;
import io.slotferry.replay.ToolKeys;
import io.slotferry.replication.Replica;
import io.slotferry.replication.ReplicaOptions;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.replication.ReplicationId;
import io.slotferry.replication.SnapshotSupersededException;
import io.slotferry.replication.file.RdbFiles;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.source.SourceSpec;
import io.slotferry.translate.MasterTtlReads;
import io.slotferry.translate.ScriptCache;
import io.slotferry.write.ClusterWriter;
import io.slotferry.write.TargetNodes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One source instance, start to end, in the order that makes the copy correct: the snapshot is
 * loaded first and acknowledged by the target; then the source's command stream is applied from
 * the position the snapshot was taken at. A file source has a snapshot and no stream; a live source
 * streams until {@link #stop()}; a {@link SourceSpec.Scan} source is a {@link ScanCopy}: a walk, then
 * the keys the source announces changed copied again until {@link #stop()} when it announces them.
 *
 * <p>A live worker checkpoints what the target acknowledged (at most every second, at each phase
 * change and on stop); started again over the same {@link StateDirectory} it resumes with
 * {@code PSYNC replid applied+1}, and loads a snapshot again only when the source refuses that.
 * While it streams, its checkpoints ({@link StreamCheckpoints}) are saved by a thread of their own: the
 * stream goes on during their fsync, and waits only when a write would pass the submit limit on disk.
 *
 * <p>Each worker writes through its own {@link ClusterWriter}: workers never wait on each other,
 * and each one's applied offset covers its own writes only.
 */
public final class Worker {
    private static final Logger LOG = Logger.getLogger(Worker.class.getName());

    /** Where a worker is; {@link #FAILED} carries {@link #failure()}. */
    public enum Phase { STARTING, SNAPSHOT, STREAMING, DONE, STOPPED, FAILED }

    private final SourceSpec source;
    private final Target target;
    private final LoadOptions loadOptions;
    private final ReplayOptions replayOptions;
    private final StateDirectory state;
    private final LoadStats stats = new LoadStats();
    private final ReplayStats replayStats = new ReplayStats();
    private final KeyFilter filter;
    private final StreamProgress progress = new StreamProgress();
    private volatile StreamReplayer replayer;
    private volatile Replica replica;
    private volatile boolean stopping;
    private volatile MasterTtlReads ttlReads; // null: the source's master, found at first use
    private volatile boolean snapshotOnly;
    private volatile Phase phase = Phase.STARTING;
    private volatile Throwable failure;
    private volatile int fullSyncs;
    private volatile int partialResyncs;
    /** Up to where the run before this one may have sent writes: set when resuming from its checkpoint. */
    private long resumedFrom = -1;

    public Worker(SourceSpec source, Target target, LoadOptions loadOptions, ReplayOptions replayOptions, StateDirectory state) {
        this.source = source;
        this.target = target;
        this.filter = loadOptions.filter().counting();
        this.loadOptions = loadOptions.withKeyMapping(replayOptions.dbMapping()).withTtlGrace(replayOptions.ttlGraceMillis())
                .withFilter(filter);
        this.replayOptions = replayOptions;
        this.state = state;
    }

    /** A worker of a run of its own, over {@code stateDir} (tests, single-source tools). */
    public Worker(SourceSpec source, Target target, LoadOptions loadOptions, ReplayOptions replayOptions, Path stateDir)
            throws IOException {
        this(source, target, loadOptions, replayOptions,
                StateDirectory.open(stateDir, new RunIdentity(List.of(source.name()), target.endpoint().toString())));
    }

    /** Asks {@code master}, a server of {@code version}, for the TTLs the stream may drop (tests: a fake master plays the stream). */
    Worker readTtlsFrom(RedisEndpoint master, String version) {
        ttlReads = MasterTtlReads.of(master, version);
        return this;
    }

    public SourceSpec source() {
        return source;
    }

    /** Live counters of the snapshot load, for progress lines. */
    public LoadStats stats() {
        return stats;
    }

    /** What the key filters left out, in the snapshot and the stream. */
    public KeyFilter filter() {
        return filter;
    }

    /** Live counters of the stream replay. */
    public ReplayStats replayStats() {
        return replayStats;
    }

    public Phase phase() {
        return phase;
    }

    /** Why the worker failed; null unless {@link #phase()} is {@link Phase#FAILED}. */
    public Throwable failure() {
        return failure;
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

    /** Age of the oldest command received but not acknowledged by the target, in ms; 0 when none waits. */
    public long lagMillis() {
        return progress.lagMillis();
    }

    /** Why the link to a live source is down while it is retried, or null. */
    public String linkError() {
        Replica r = replica;
        return r == null ? null : r.linkError();
    }

    /** Snapshots loaded by this worker (a second one means the source forced a full sync). */
    public int fullSyncs() {
        return fullSyncs;
    }

    /** Partial resyncs the source accepted (a restart from a checkpoint, without a new snapshot). */
    public int partialResyncs() {
        return partialResyncs;
    }

    /** Asks a streaming worker to finish: it drains what it submitted, checkpoints and returns. */
    public void stop() {
        stopping = true;
    }

    /** A live worker stops once its snapshot is loaded and checkpointed (a later run streams from there). */
    public void stopAfterSnapshot() {
        snapshotOnly = true;
    }

    /** Runs the worker to its end; returns once every write is acknowledged. */
    public LoadSummary run() throws Exception {
        try {
            declareTtlGrace();
            LoadSummary summary;
            if (source instanceof SourceSpec.Live live) {
                summary = replicate(live);
            } else if (source instanceof SourceSpec.Scan scan) {
                phase = Phase.SNAPSHOT;
                // Not resumable: marks the run as started, so a restart walks again (REPLACE) instead of refusing the target's keys.
                state.save(Checkpoint.snapshot(scan.name(), ReplicationId.NONE, -1));
                try (ClusterWriter writer = openWriter()) {
                    summary = ScanCopy.copy(scan, writer, target.capabilities(), loadOptions, stats, () -> stopping,
                            () -> {
                                phase = Phase.STREAMING;
                                stopping |= snapshotOnly; // --snapshot-only: the walk is the snapshot
                            });
                }
            } else {
                phase = Phase.SNAPSHOT;
                try (ClusterWriter writer = openWriter()) {
                    summary = snapshot((SourceSpec.RdbFile) source, writer);
                }
            }
            phase = stopping ? Phase.STOPPED : Phase.DONE;
            return summary;
        } catch (Throwable t) {
            failure = t;
            phase = Phase.FAILED;
            throw t;
        }
    }

    /** Records the grace every expiry this worker writes is held by ({@link ToolKeys#declareTtlGrace}). */
    private void declareTtlGrace() throws IOException, InterruptedException {
        try (TargetNodes nodes = TargetNodes.open(target.endpoint(), target.writerOptions().connectTimeout())) {
            ToolKeys.declareTtlGrace(nodes, replayOptions.ttlGraceMillis());
        }
    }

    private ClusterWriter openWriter() throws IOException {
        return ClusterWriter.open(target.endpoint(), target.writerOptions(), stats);
    }

    private LoadSummary snapshot(SourceSpec.RdbFile file, ClusterWriter writer) throws IOException, InterruptedException {
        // A compressed file or standard input is copied (decompressed, streamed) into the state
        // directory: big values are decoded in a second read at their offset.
        try (RdbFiles.SeekableRdb rdb = RdbFiles.seekable(file.file(), state.path())) {
            return SnapshotLoader.load(rdb.path(), writer, target.capabilities(), loadOptions, stats);
        }
    }

    /** Resumes from the last streaming checkpoint when there is one; otherwise a full sync. */
    private Replica connect(SourceSpec.Live live, ReplicaOptions options) throws IOException {
        Optional<Checkpoint> last = state.checkpoint(live.name());
        if (last.isPresent() && last.get().resumable()) {
            Checkpoint c = last.get();
            resumedFrom = c.mayHaveSentUpTo();
            LOG.log(Level.INFO, "{0}: resuming from the checkpoint: PSYNC {1} {2}",
                    new Object[] {live.name(), c.replid(), Long.toString(c.appliedOffset() + 1)});
            return Replica.resume(live.endpoint(), options, c.resumePosition());
        }
        return Replica.start(live.endpoint(), options);
    }

    /**
     * Snapshot, then the stream from the snapshot's offset, until stopped. The snapshot and the stream
     * have writers of their own: snapshot writes carry RDB byte offsets, stream writes replication
     * offsets, and each writer's applied offset must only grow.
     */
    private LoadSummary replicate(SourceSpec.Live live) throws Exception {
        Path spool = state.workDirectory(live.name());
        SnapshotLinks loads = new SnapshotLinks(live.name(), spool);
        Optional<Checkpoint> last = state.checkpoint(live.name());
        if (last.isPresent() && last.get().resumable()) {
            loads.streamCheckpointed(); // links of a load whose stream was checkpointed before the stop removed them
        } else {
            loads.undoCutLoads(loadOptions, this::openWriter); // a load cut short: a new snapshot comes
        }
        ScriptCache scripts = new ScriptCache();
        ClusterWriter streamWriter = null;
        try (TargetNodes nodes = TargetNodes.open(target.endpoint(), target.writerOptions().connectTimeout());
             MasterTtlReads ttls = ttlReads != null ? ttlReads : MasterTtlReads.ofSource(live.endpoint());
             StreamFilter streamFilter = new StreamFilter(filter, replayOptions.dbMapping(), target.capabilities(),
                     replayOptions.ttlGraceMillis(), live.endpoint());
             Replica r = connect(live, ReplicaOptions.defaults(spool).withSnapshotFile(true).withFollowedTransfer(true));
             BackgroundSaves saves = new BackgroundSaves(state, live.name())) {
            replica = r;
            StreamCheckpoints checkpoints = new StreamCheckpoints(live.name(), r, saves, progress);
            LoadSummary summary = null;
            StreamReplayer replay = null;
            while (!stopping) {
                ReplicationEvent e = r.poll(0);
                if (e == null) {
                    if (replay != null) {
                        replay.flush(); // no more for now: what the writer holds back goes out before we wait
                    }
                    e = r.poll(200);
                }
                if (e instanceof ReplicationEvent.Command c) {
                    checkpoints.beforeSubmit(c, replay);
                    replay.apply(c);
                    checkpoints.submitted(c, replay);
                } else if (e instanceof ReplicationEvent.SnapshotBegin b) {
                    phase = Phase.SNAPSHOT;
                    checkpoints.snapshotBegins(b);
                } else if (e instanceof ReplicationEvent.SnapshotFile f) {
                    if (streamWriter != null) {
                        LOG.log(Level.WARNING, "{0}: the source forced a new full sync; its snapshot is loaded again over"
                                + " the target (keys the source deleted while the link was down stay)", live.name());
                        replay.drain();
                        streamWriter.close();
                        streamWriter = null;
                        replayer = null;
                    }
                    fullSyncs++;
                    loads.undoCutLoads(loadOptions, this::openWriter); // a transfer superseded in the middle of its load
                    loads.loading(f.file());
                    // Loaded while it arrives: the load follows the transfer instead of waiting for its end.
                    try (ClusterWriter w = openWriter()) {
                        summary = SnapshotLoader.load(f.file(), f.bytes().open(), f.bytes().length(), w, target.capabilities(),
                                loadOptions, stats, new SnapshotScripts(scripts, nodes));
                    } catch (SnapshotSupersededException superseded) {
                        // The link broke mid-transfer and the master sent a new snapshot: the next event begins
                        // it, and it is loaded over what this one wrote (as after any forced full sync).
                        LOG.log(Level.WARNING, "{0}: {1}; loading the new snapshot", new Object[] {live.name(), superseded.getMessage()});
                    }
                } else if (e instanceof ReplicationEvent.SnapshotEnd || e instanceof ReplicationEvent.StreamResumed) {
                    long offset;
                    long reapplyUpTo = -1;
                    if (e instanceof ReplicationEvent.SnapshotEnd end) {
                        offset = end.offset();
                        progress.restart(offset, 0); // a master selects a database before its first command after a full sync
                    } else {
                        offset = ((ReplicationEvent.StreamResumed) e).offset();
                        reapplyUpTo = resumedFrom;
                        progress.restart(offset, r.deliveredPosition().db());
                        partialResyncs++;
                    }
                    if (streamWriter == null) {
                        streamWriter = openWriter();
                        replay = new StreamReplayer(CommandTable.load(), replayOptions, streamWriter, nodes, target.capabilities(),
                                replayStats, scripts);
                        replay.askMasterForLostTtls(ttls);
                        if (filter.active()) {
                            streamFilter.forget(); // a new snapshot holds every key as of its own offset
                            replay.filter(streamFilter);
                        }
                        if (replayOptions.exactlyOnce()) {
                            replay.markAppliedWrites(live.name(), () -> r.replicationId().value(), reapplyUpTo);
                        }
                    }
                    replay.startAt(offset);
                    replayer = replay;
                    phase = Phase.STREAMING;
                    checkpoints.checkpoint(replay, true);
                    loads.streamCheckpointed();
                    if (snapshotOnly) {
                        stopping = true;
                    }
                } else if (e instanceof ReplicationEvent.SnapshotData) {
                    throw new IllegalStateException("parsed snapshot events in file mode");
                }
                if (replay != null) {
                    checkpoints.tick(replay, e == null);
                }
            }
            if (replay != null) {
                replay.drain();
                checkpoints.acknowledge(replay);
                checkpoints.checkpoint(replay, true);
            }
            return summary != null ? summary : new LoadSummary(0, ChecksumStatus.ABSENT, stats.snapshot());
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
