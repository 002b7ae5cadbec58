package io.slotferry.replication;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;

/**
 * The local files between the socket and the consumer: one RDB file per full sync and the command
 * stream in segment files named by their starting offset ({@link StreamSegments}, one set per
 * generation). The receiver writes as fast as the master sends; the consumer reads at its own pace,
 * only up to the last complete command; segments below the applied offset are deleted. A quota bounds
 * the disk used: when it is reached the receiver stops reading the socket (still acknowledging) until
 * the consumer frees space. This class is the monitor the two threads meet in.
 *
 * <p>Each full sync starts a new generation; its snapshot supersedes the older one's files. The
 * snapshot's file can be read while it arrives ({@link #arrivingSnapshot()}, {@link ArrivingRdb}); its
 * size is the RDB's, outside the stream quota, as before the loader followed the transfer.
 */
final class Spool implements AutoCloseable {
    /** A snapshot's RDB file: complete ({@link #snapshot()}) or still arriving ({@link #arrivingSnapshot()}). */
    record Snapshot(int generation, ReplicationId replid, long offset, Path file) {
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;

    // Guarded by this.
    private int generation;
    /** The current generation's snapshot, published when its first bytes are written. */
    private Snapshot snapshot;
    /** Bytes of {@code snapshot}'s file written so far, and whether that is all of it. */
    private long snapshotBytes;
    private boolean snapshotComplete;
    /** The file the current generation's RDB is written to (published or not yet). */
    private Path receiving;
    /** The snapshot whose file the consumer reads itself: kept through later full syncs until it lets go. */
    private Snapshot held;
    /** The current generation's segment files; replaced by the receiver, which reads it without the lock. */
    private StreamSegments stream;
    private long committed = -1;
    private final TreeMap<Long, ReplicationId> resumes = new TreeMap<>();
    private final OffsetMarks marks = OffsetMarks.times();
    private IOException failure;

    Spool(Path dir, long maxBytes, long segmentBytes) throws IOException {
        this.dir = OwnerOnly.directory(dir);
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.stream = new StreamSegments(this.dir, generation, segmentBytes); // a resumed stream has no full sync
    }

    // ---- receiver side ----------------------------------------------------------------------------

    /** Starts a new generation (full sync): older files are dropped; returns the RDB file to write. */
    synchronized Path beginFullSync() throws IOException {
        deleteAll();
        generation++;
        stream = new StreamSegments(dir, generation, segmentBytes);
        snapshot = null;
        snapshotBytes = 0;
        snapshotComplete = false;
        committed = -1;
        resumes.clear();
        marks.clear();
        receiving = dir.resolve("snapshot-" + generation + ".rdb");
        return receiving;
    }

    /**
     * The output for the RDB of the full sync just begun ({@link #beginFullSync()}): the snapshot is
     * published ({@link #arrivingSnapshot()}) with its first bytes, and every write to the file makes its
     * bytes readable ({@link #awaitSnapshotBytes}); buffer above it.
     */
    OutputStream snapshotOutput(ReplicationId replid, long offset, Path file) throws IOException {
        Snapshot s;
        synchronized (this) {
            s = new Snapshot(generation, replid, offset, file);
        }
        return new FilterOutputStream(OwnerOnly.outputStream(file)) {
            private long written;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                written += len;
                transferred(s, written);
            }
        };
    }

    private synchronized void transferred(Snapshot s, long bytes) {
        if (s.generation() != generation) {
            return; // a newer full sync began: this file is no longer the snapshot
        }
        snapshot = s;
        snapshotBytes = bytes;
        notifyAll();
    }

    /** The RDB of the current generation is complete: {@code length} bytes. */
    synchronized void snapshotReceived(ReplicationId replid, long offset, Path file, long length) {
        if (snapshot == null || !snapshot.file().equals(file)) {
            snapshot = new Snapshot(generation, replid, offset, file); // an empty RDB: no write published it
        }
        snapshotBytes = length;
        snapshotComplete = true;
        notifyAll();
    }

    /** The stream of the current generation starts (or, after a partial resync, continues) at {@code offset}. */
    void openStream(long offset) throws IOException {
        synchronized (this) {
            if (committed >= 0 && offset != committed) {
                throw new IllegalStateException("stream continues at " + offset + " but " + committed + " was committed");
            }
            committed = offset;
        }
        stream.openAt(offset); // drops a partial command cut by a disconnect
    }

    /** Appends stream bytes (complete commands or not); {@link #commit(long)} publishes them. */
    void append(byte[] b, int off, int len) throws IOException {
        stream.append(b, off, len);
    }

    /**
     * Everything up to {@code offset} is complete commands: the consumer may read it. {@code receivedAt}
     * is when the socket read that completed them returned; it is recorded with the commit, so no
     * committed command is ever without its time.
     */
    synchronized void commit(long offset, long receivedAt) {
        committed = offset;
        marks.record(offset, receivedAt);
        notifyAll();
    }

    synchronized void resumed(ReplicationId replid, long offset) {
        resumes.put(offset, replid);
        notifyAll();
    }

    synchronized void fail(IOException e) {
        failure = e;
        notifyAll();
    }

    /**
     * True while the complete commands spooled and not yet released reach the quota. The unfinished
     * command being received does not count: it cannot be released before it is complete, so
     * counting it would stall a command bigger than the quota forever.
     */
    synchronized boolean full() {
        return stream.completeBytes(committed) >= maxBytes;
    }

    // ---- consumer side ----------------------------------------------------------------------------

    synchronized int generation() {
        return generation;
    }

    /** The current generation's snapshot once complete, or null. */
    synchronized Snapshot snapshot() {
        return snapshotComplete ? snapshot : null;
    }

    /** The current generation's snapshot as soon as its first bytes are written, or null. */
    synchronized Snapshot arrivingSnapshot() {
        return snapshot;
    }

    /**
     * Waits up to {@code millis} for bytes of {@code s}'s file past {@code position}: how many are written
     * there (0 after the timeout), or -1 when the file is complete and ends at or before {@code position}.
     *
     * @throws SnapshotSupersededException a newer full sync replaced {@code s} before it was complete
     */
    synchronized long awaitSnapshotBytes(Snapshot s, long position, long millis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            if (s != snapshot) {
                throw new SnapshotSupersededException("the snapshot of generation " + s.generation() + " was replaced by a"
                        + " newer full sync after " + position + " of its bytes were read");
            }
            if (snapshotBytes > position) {
                return snapshotBytes - position;
            }
            if (snapshotComplete) {
                return -1;
            }
            if (failure != null) {
                throw failure;
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return 0;
            }
            wait(left);
        }
    }

    /** The length of {@code s}'s file if it is complete and still the current snapshot, else -1. */
    synchronized long completeLength(Snapshot s) {
        return s == snapshot && snapshotComplete ? snapshotBytes : -1;
    }

    synchronized long committed() {
        return committed;
    }

    /**
     * When the command of generation {@code gen} ending at {@code end} was received (epoch ms), or -1
     * when a full sync replaced that generation meanwhile. Asked in stream order; frees older marks.
     */
    synchronized long receivedAt(int gen, long end) {
        return gen == generation ? marks.at(end) : -1;
    }

    /** When the oldest command after {@code offset} of the current generation was received; -1 when none was. */
    synchronized long receivedAfter(long offset) {
        return marks.firstAfter(offset);
    }

    /** The replication id of a resume recorded exactly at {@code offset}, consumed once. */
    synchronized ReplicationId takeResume(long offset) {
        return resumes.remove(offset);
    }

    synchronized void throwIfFailed() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    /** Waits until something changes (data, snapshot, failure) or the timeout passes. */
    synchronized void await(long millis) throws InterruptedException {
        wait(millis);
    }

    /** Reads committed stream bytes at {@code position} of generation {@code gen}; 0 when none yet. */
    int read(int gen, long position, ByteBuffer into) throws IOException {
        StreamSegments segments;
        long end;
        synchronized (this) {
            if (gen != generation) {
                return 0;
            }
            segments = stream;
            end = committed;
        }
        return segments.read(position, end, into);
    }

    /** Deletes segments that end at or below {@code offset}, never the one being written. */
    synchronized void release(long offset) {
        stream.release(offset);
    }

    synchronized void deleteSnapshotFile(Snapshot s) throws IOException {
        Files.deleteIfExists(s.file());
    }

    /**
     * The consumer takes {@code s}'s file for itself: no full sync deletes it until {@link #letGo()}
     * or the next hold, which deletes the file held before. False when a newer full sync already
     * replaced {@code s} (its file may be gone); the file held before is then kept.
     */
    synchronized boolean hold(Snapshot s) throws IOException {
        if (s != snapshot) { // complete or arriving: the current generation's
            return false;
        }
        letGo();
        held = s;
        return true;
    }

    /** The consumer is done with the file it held (if any): deletes it. */
    synchronized void letGo() throws IOException {
        if (held != null) {
            Files.deleteIfExists(held.file());
            held = null;
        }
    }

    private synchronized void deleteAll() throws IOException {
        stream.delete();
        if (snapshot != null && snapshot != held) {
            Files.deleteIfExists(snapshot.file());
        }
        if (receiving != null && (held == null || !held.file().equals(receiving))) {
            Files.deleteIfExists(receiving); // a transfer that broke before its snapshot was published
        }
    }

    @Override
    public void close() throws IOException {
        deleteAll();
        letGo();
    }
}
