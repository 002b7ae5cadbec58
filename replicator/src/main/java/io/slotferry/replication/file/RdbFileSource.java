package io.slotferry.replication.file;

import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbFormatException;
import io.slotferry.rdb.RdbOptions;
import io.slotferry.rdb.RdbReader;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.replication.ReplicationId;
import io.slotferry.replication.SourceStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An RDB file as a {@link SourceStream}: the snapshot a replica would have received, read from disk
 * or standard input instead, so the same loader serves "migrate from a backup" and "migrate live".
 *
 * <p>Events, in order:
 * <ol>
 *   <li>{@link ReplicationEvent.SnapshotBegin} with {@link ReplicationId#NONE}, offset -1 and the
 *       file's RDB version (from its header);</li>
 *   <li>one {@link ReplicationEvent.SnapshotData} per parser event, the {@link RdbEvent.Header}
 *       and {@link RdbEvent.End} included;</li>
 *   <li>{@link ReplicationEvent.SnapshotEnd} with {@link ReplicationId#NONE} and offset -1;</li>
 *   <li>then {@code null} on every further call: a file has no command stream.</li>
 * </ol>
 *
 * <p>The file is streamed through {@link RdbReader}: memory is bounded by the {@link RdbOptions}
 * (raw mode by default: one {@link RdbEvent.RawValue} per key, values up to
 * {@link RdbOptions#maxRawValueBytes()} kept), never by the file's size. Compression (gzip, bzip2,
 * xz) is detected from the content, not the name, by {@link RdbFiles}.
 *
 * <p>A malformed file raises {@link RdbFormatException} (with the byte offset) from {@link #next()};
 * the source is then finished and every later {@link #next()} throws the same exception. Calling {@link #next()}
 * after {@link #close()} is an {@link IllegalStateException}. Not thread-safe: one consumer pulls.
 */
public final class RdbFileSource implements SourceStream {
    private enum State { BEFORE_HEADER, IN_SNAPSHOT, DONE }

    private final String name;
    private final RdbReader reader;
    private State state = State.BEFORE_HEADER;
    private boolean closed;
    /** The exception that ended the source early; repeated so a failure is never mistaken for the end. */
    private IOException ioFailure;
    private RuntimeException runtimeFailure;
    /** The header event, read early for its version and delivered right after SnapshotBegin. */
    private RdbEvent header;

    private RdbFileSource(String name, InputStream in, RdbOptions options) {
        this.name = name;
        this.reader = RdbReader.open(in, options);
    }

    /**
     * A source over {@code file} ("-" for standard input) in raw mode ({@link RdbOptions#raw()}).
     *
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     */
    public static RdbFileSource open(String file) throws IOException {
        return open(file, RdbOptions.raw());
    }

    /**
     * A source over {@code file} ("-" for standard input) with the given parser options.
     *
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     */
    public static RdbFileSource open(String file, RdbOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        return new RdbFileSource(file, RdbFiles.open(file), options);
    }

    /**
     * A source over an already open stream (a download, a pipe), decompressed when its content is
     * gzip, bzip2 or xz. The source owns {@code in} and closes it in {@link #close()}.
     *
     * @param name what to call the input in messages
     */
    public static RdbFileSource of(InputStream in, String name, RdbOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        try {
            return new RdbFileSource(name, RdbFiles.decompressing(in), options);
        } catch (IOException | RuntimeException e) {
            in.close(); // ours from the call on, even when it never became a source
            throw e;
        }
    }

    /** The input's name as given ("-" for standard input). */
    public String name() {
        return name;
    }

    /** RDB version from the file's header; 0 until the first {@link #next()} has read it. */
    public int rdbVersion() {
        return reader.version();
    }

    /** Bytes of the (decompressed) RDB consumed so far, for progress reports. */
    public long offset() {
        return reader.offset();
    }

    @Override
    public ReplicationEvent next() throws IOException {
        if (closed) {
            // null would read as "the file ended"; after close() it means nothing.
            throw new IllegalStateException(this + " is closed");
        }
        if (ioFailure != null) {
            throw ioFailure;
        }
        if (runtimeFailure != null) {
            throw runtimeFailure;
        }
        if (state == State.DONE) {
            return null;
        }
        try {
            return advance();
        } catch (IOException e) {
            ioFailure = e; // the reader has stopped too; a later call must not read as "the file ended"
            throw e;
        } catch (RuntimeException e) {
            runtimeFailure = e;
            throw e;
        }
    }

    private ReplicationEvent advance() throws IOException {
        if (state == State.BEFORE_HEADER) {
            RdbEvent first = reader.next();
            if (!(first instanceof RdbEvent.Header)) {
                // The reader reports a bad magic itself; this guards against a parser change.
                throw new RdbFormatException(0, "an RDB header as the first event of " + name, "got " + first);
            }
            header = first;
            state = State.IN_SNAPSHOT;
            return new ReplicationEvent.SnapshotBegin(ReplicationId.NONE, -1, reader.version());
        }
        if (header != null) {
            RdbEvent h = header;
            header = null;
            return new ReplicationEvent.SnapshotData(h);
        }
        RdbEvent e = reader.next();
        if (e != null) {
            return new ReplicationEvent.SnapshotData(e);
        }
        state = State.DONE;
        return new ReplicationEvent.SnapshotEnd(ReplicationId.NONE, -1);
    }

    /** Closes the input (standard input included, when that was the file). */
    @Override
    public void close() throws IOException {
        closed = true;
        reader.close();
    }

    @Override
    public String toString() {
        return "RdbFileSource[" + name + "]";
    }
}
