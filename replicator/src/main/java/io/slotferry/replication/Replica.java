package io.slotferry.replication;

import io.slotferry.resp.RedisEndpoint;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbOptions;
import io.slotferry.rdb.RdbReader;
import io.slotferry.resp.CommandFramer;
import io.slotferry.resp.CommandName;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * slotferry as a replica of one source instance. A {@link Receiver} thread keeps the replication
 * link (handshake, RDB, stream, ACKs, reconnects) and spools everything to local files; this class
 * turns the spool into {@link ReplicationEvent}s at the consumer's pace:
 * {@code SnapshotBegin, SnapshotData..., SnapshotEnd, Command...} after a full sync (with
 * {@link ReplicaOptions#withSnapshotFile(boolean) withSnapshotFile(true)}:
 * {@code SnapshotBegin, SnapshotFile, SnapshotEnd, Command...}), or {@code StreamResumed, Command...}
 * after a partial one.
 *
 * <p>The offset acknowledged to the master is the offset <em>received</em>
 * ({@link #receivedOffset()}); what the target has applied is the consumer's to report through
 * {@link #applied(long)}, which frees spooled segments below it.
 */
public final class Replica implements SourceStream {
    /** Stream bytes read from the spool at a time. */
    static final int READ_BUFFER = 1 << 20;
    /** SNAPSHOT parses the RDB into events; FILE_* hand the file over (begin, file, end); STREAM frames commands. */
    private enum Phase { WAITING, SNAPSHOT, FILE_BEGIN, FILE_HANDOUT, FILE_END, STREAM }

    private final Spool spool;
    private final Receiver receiver;
    private final Thread thread;
    private final ReplicaOptions options;

    private Phase phase = Phase.WAITING;
    private int generation;
    private Spool.Snapshot snapshot;
    private RdbReader rdb;
    private CommandFramer framer;
    /** {@link #READ_BUFFER} bytes, allocated when the stream starts (not while a snapshot loads). */
    private ByteBuffer readBuffer;
    private final Deque<ReplicationEvent> pending = new ArrayDeque<>();
    private int db;
    private volatile long delivered;
    private ReplicationId streamReplid;
    private long lastReceivedAt;
    private int fileRdbVersion;

    private Replica(RedisEndpoint source, ReplicaOptions options, StreamPosition from) throws IOException {
        this.options = options;
        this.spool = new Spool(options.spoolDir(), options.maxSpoolBytes(), options.segmentBytes());
        this.receiver = new Receiver(source, options, spool, from);
        if (from != null) {
            // Until the master answers, we stand where the checkpoint says.
            db = from.db();
            delivered = from.offset();
            streamReplid = from.replid();
            phase = Phase.STREAM;
            framer = new CommandFramer(from.offset(), Long.MAX_VALUE);
        }
        this.thread = new Thread(receiver, "replica " + source);
        thread.setDaemon(true);
        thread.start();
    }

    /** Becomes a replica with a full sync ({@code PSYNC ? -1}, or SYNC on masters before 2.8). */
    public static Replica start(RedisEndpoint source, ReplicaOptions options) throws IOException {
        return new Replica(source, options, null);
    }

    /**
     * Resumes from a checkpoint: {@code PSYNC <replid> <offset+1>}. The first event is
     * {@link ReplicationEvent.StreamResumed} when the master still has the backlog, or a new
     * snapshot ({@link ReplicationEvent.SnapshotBegin}) when it has not.
     */
    public static Replica resume(RedisEndpoint source, ReplicaOptions options, StreamPosition from) throws IOException {
        return new Replica(source, options, from);
    }

    @Override
    public ReplicationEvent next() throws IOException, InterruptedException {
        return poll(Long.MAX_VALUE);
    }

    /** Like {@link #next()}, but gives up after {@code timeoutMillis}: null when nothing arrived by then. */
    public ReplicationEvent poll(long timeoutMillis) throws IOException, InterruptedException {
        long deadline = timeoutMillis == Long.MAX_VALUE ? Long.MAX_VALUE : System.currentTimeMillis() + timeoutMillis;
        if (phase == Phase.FILE_END) {
            spool.letGo(); // the consumer has read the file SnapshotFile named: that was the contract
        }
        while (true) {
            if (!pending.isEmpty()) {
                return pending.poll();
            }
            Spool.Snapshot newest = options.followTransfer() ? spool.arrivingSnapshot() : spool.snapshot();
            if (newest != null && newest.generation() > generation && !beginSnapshot(newest)) {
                continue; // an even newer full sync replaced it while we looked
            }
            switch (phase) {
                case SNAPSHOT -> {
                    return nextSnapshotEvent();
                }
                case FILE_BEGIN -> {
                    phase = Phase.FILE_HANDOUT;
                    return new ReplicationEvent.SnapshotBegin(snapshot.replid(), snapshot.offset(), fileRdbVersion);
                }
                case FILE_HANDOUT -> {
                    phase = Phase.FILE_END;
                    return new ReplicationEvent.SnapshotFile(snapshot.replid(), snapshot.offset(), snapshot.file(),
                            bytesOf(snapshot));
                }
                case FILE_END -> {
                    return endSnapshot();
                }
                default -> {
                    // WAITING or STREAM: read on below
                }
            }
            if (phase == Phase.STREAM && spool.generation() == generation && readStream()) {
                continue;
            }
            spool.throwIfFailed();
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return null;
            }
            spool.await(Math.min(100, left));
        }
    }

    /** Switches to snapshot {@code s}; false when a newer full sync replaced it before we could hold its file. */
    private boolean beginSnapshot(Spool.Snapshot s) throws IOException {
        if (options.deliverSnapshotFile()) {
            // Holding the new file lets go of an older one; until then the older stays readable, since
            // a failed hold leaves us delivering the older snapshot's events.
            if (!spool.hold(s)) {
                return false;
            }
            db = 0;
            try {
                readFileHeader(s);
            } catch (SnapshotSupersededException e) {
                return false; // replaced while its first bytes arrived: the newer one is next
            }
            snapshot = s;
            generation = s.generation();
            phase = Phase.FILE_BEGIN;
            return true;
        }
        closeRdb();
        db = 0;
        snapshot = s;
        generation = s.generation();
        rdb = RdbReader.open(new BufferedInputStream(Files.newInputStream(s.file()), 1 << 16), options.rdbOptions());
        phase = Phase.SNAPSHOT;
        return true;
    }

    /**
     * Reads only what file mode needs from the RDB's start: the version (for SnapshotBegin) and the
     * {@code repl-stream-db} AUX field (the stream's db at the snapshot point). Masters write their AUX
     * fields before any database, so reading stops at the first other event (a snapshot that is still
     * arriving has them: it is published with its first written bytes, at least 64 KiB or all of it).
     */
    private void readFileHeader(Spool.Snapshot s) throws IOException {
        try (RdbReader header = RdbReader.open(new BufferedInputStream(bytesOf(s).open(), 1 << 16),
                RdbOptions.raw().withVerifyChecksum(false))) { // the first events only: no checksum thread and its buffers
            RdbEvent e;
            while ((e = header.next()) != null) {
                if (e instanceof RdbEvent.Header h) {
                    fileRdbVersion = h.version();
                } else if (e instanceof RdbEvent.Aux a) {
                    streamDbFrom(a);
                } else {
                    return;
                }
            }
        }
    }

    /** The file's bytes: followed while they arrive, or (a complete file) as they are. */
    private SnapshotBytes bytesOf(Spool.Snapshot s) {
        return options.followTransfer() ? new ArrivingRdb(spool, s) : SnapshotBytes.complete(s.file());
    }

    private void streamDbFrom(RdbEvent.Aux a) {
        if (new String(a.name(), StandardCharsets.US_ASCII).equals("repl-stream-db")) {
            db = Integer.parseInt(new String(a.value(), StandardCharsets.US_ASCII)); // the stream's db at the snapshot point
        }
    }

    private ReplicationEvent nextSnapshotEvent() throws IOException {
        RdbEvent e = rdb.next();
        if (e == null) {
            closeRdb();
            spool.deleteSnapshotFile(snapshot);
            return endSnapshot();
        }
        if (e instanceof RdbEvent.Header h) {
            pending.add(new ReplicationEvent.SnapshotData(h));
            return new ReplicationEvent.SnapshotBegin(snapshot.replid(), snapshot.offset(), h.version());
        }
        if (e instanceof RdbEvent.Aux a) {
            streamDbFrom(a);
        }
        return new ReplicationEvent.SnapshotData(e);
    }

    /** The snapshot is delivered: the stream starts at its offset. */
    private ReplicationEvent endSnapshot() {
        phase = Phase.STREAM;
        framer = new CommandFramer(snapshot.offset(), Long.MAX_VALUE);
        delivered = snapshot.offset();
        streamReplid = snapshot.replid();
        return new ReplicationEvent.SnapshotEnd(snapshot.replid(), snapshot.offset());
    }

    /** Decodes committed stream bytes into pending events; false when none were available. */
    private boolean readStream() throws IOException {
        if (resumedAtBoundary()) {
            return true;
        }
        if (readBuffer == null) {
            readBuffer = ByteBuffer.allocate(READ_BUFFER);
        }
        readBuffer.clear();
        int n = spool.read(generation, framer.offset(), readBuffer);
        if (n == 0) {
            return false;
        }
        // The receiver records a resume before it commits the bytes after it, so one recorded between the
        // look above and this read shows now: it comes first, and these bytes are read again after it.
        if (resumedAtBoundary()) {
            return true;
        }
        framer.feed(readBuffer.array(), 0, n, (start, end, argv) -> {
            if (argv.size() == 2 && CommandName.is(argv.get(0), "SELECT")) {
                db = Integer.parseInt(new String(argv.get(1), StandardCharsets.US_ASCII));
            }
            long at = spool.receivedAt(generation, end);
            if (at < 0) {
                // A full sync replaced this generation between our read and now; these commands are
                // followed by its SnapshotBegin. Now is the closest bound left, and keeps times non-decreasing.
                at = Math.max(lastReceivedAt, System.currentTimeMillis());
            }
            lastReceivedAt = at;
            pending.add(new ReplicationEvent.Command(db, argv, start, end, at));
            delivered = end;
        });
        return true;
    }

    /** True when a resume is recorded where the stream stands: its {@link ReplicationEvent.StreamResumed} is pending. */
    private boolean resumedAtBoundary() {
        ReplicationId resumed = spool.takeResume(framer.commandBoundary());
        if (resumed == null) {
            return false;
        }
        streamReplid = resumed;
        pending.add(new ReplicationEvent.StreamResumed(resumed, framer.commandBoundary()));
        return true;
    }

    /** Offset received from the master and spooled (what REPLCONF ACK reports). */
    public long receivedOffset() {
        return receiver.received();
    }

    /** End offset of the last command handed out by {@link #next()}. */
    public long deliveredOffset() {
        return delivered;
    }

    /**
     * When the oldest command received but not yet handed out was received (epoch ms, possibly a
     * little earlier, never later), or -1 when every received command was handed out: the age of the
     * backlog waiting in the spool. Called by the consumer's thread.
     */
    public long oldestWaitingSince() {
        // decoded, not handed out yet: their spool marks are gone, their events carry the time (consumer's thread)
        if (pending.peek() instanceof ReplicationEvent.Command c) {
            return c.receivedAtMillis();
        }
        return spool.receivedAfter(delivered);
    }

    /** Why the link to the source is down while it is retried (the worker shows it), or null when it is up. */
    public String linkError() {
        return receiver.linkError();
    }

    /** The replication id to resume with. */
    public ReplicationId replicationId() {
        ReplicationId id = receiver.replid();
        return id != null ? id : streamReplid;
    }

    /** The position to checkpoint once everything delivered so far is applied: id, offset, db. */
    public StreamPosition deliveredPosition() {
        return new StreamPosition(streamReplid, delivered, db);
    }

    /** The consumer has applied everything up to {@code offset} on the target: spooled bytes below it may go. */
    public void applied(long offset) {
        spool.release(Math.min(offset, delivered));
    }

    private void closeRdb() throws IOException {
        if (rdb != null) {
            rdb.close();
            rdb = null;
        }
    }

    @Override
    public void close() throws IOException {
        receiver.close();
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeRdb();
        spool.close();
    }
}
