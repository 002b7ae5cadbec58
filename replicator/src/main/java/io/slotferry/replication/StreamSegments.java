package io.slotferry.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * One generation's command stream on disk: segment files ({@code stream-<generation>-<start offset>.seg})
 * appended by the receiver, read back by the consumer, deleted below the applied offset, and all deleted when a
 * full sync ends the generation. The {@link Spool} says how far the bytes are complete commands
 * ({@code committed}); this class only knows which file holds an offset and how many bytes the files hold.
 *
 * <p>A generation keeps its own segments: a reader holding this generation's segments never reads a newer
 * generation's bytes, and finds nothing once a full sync deleted them.
 */
final class StreamSegments {
    private final Path dir;
    private final int generation;
    private final long segmentBytes;

    // Guarded by this.
    private final TreeMap<Long, Path> files = new TreeMap<>();
    private long bytesOnDisk;
    private boolean deleted;

    // Receiver only.
    private FileChannel writing;
    private long writingStart;
    private long writingEnd;

    StreamSegments(Path dir, int generation, long segmentBytes) {
        this.dir = dir;
        this.generation = generation;
        this.segmentBytes = segmentBytes;
    }

    /** Drops bytes after {@code offset} (a partial command cut by a disconnect) and reopens for appending there. */
    void openAt(long offset) throws IOException {
        closeWriter();
        Map.Entry<Long, Path> last;
        synchronized (this) {
            while (!files.isEmpty() && files.lastKey() > offset) {
                Path p = files.pollLastEntry().getValue();
                bytesOnDisk -= Files.size(p);
                Files.deleteIfExists(p);
            }
            last = files.lastEntry();
        }
        if (last == null) {
            newSegment(offset);
            return;
        }
        writing = FileChannel.open(last.getValue(), StandardOpenOption.WRITE);
        long keep = offset - last.getKey();
        long had = writing.size();
        writing.truncate(keep);
        writing.position(keep);
        writingStart = last.getKey();
        writingEnd = offset;
        synchronized (this) {
            bytesOnDisk -= had - keep;
        }
    }

    private void newSegment(long start) throws IOException {
        closeWriter();
        Path p = dir.resolve(String.format("stream-%d-%020d.seg", generation, start));
        writing = OwnerOnly.channel(p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        writingStart = start;
        writingEnd = start;
        synchronized (this) {
            files.put(start, p);
        }
    }

    /** Appends stream bytes at the end, in a new segment once the current one holds {@code segmentBytes}. */
    void append(byte[] b, int off, int len) throws IOException {
        if (writingEnd - writingStart >= segmentBytes) {
            newSegment(writingEnd);
        }
        ByteBuffer bb = ByteBuffer.wrap(b, off, len);
        try {
            while (bb.hasRemaining()) {
                writing.write(bb);
            }
        } catch (IOException e) {
            throw new ReplicationException("cannot write the stream spool in " + dir + " (disk full?): " + e.getMessage(), e);
        }
        writingEnd += len;
        synchronized (this) {
            bytesOnDisk += len;
        }
    }

    /**
     * Bytes on disk up to {@code committed} (all of them before the stream opened, {@code committed} -1):
     * the unfinished command being appended after it is not counted. Asked by the receiver.
     */
    synchronized long completeBytes(long committed) {
        long partialTail = writing == null || committed < 0 ? 0 : writingEnd - committed;
        return bytesOnDisk - partialTail;
    }

    /**
     * Reads bytes at {@code position} below {@code committed} into {@code into}, from one segment; 0 when
     * there are none yet, or when a full sync deleted this generation while we looked.
     */
    int read(long position, long committed, ByteBuffer into) throws IOException {
        Path file;
        long start;
        long end;
        synchronized (this) {
            Map.Entry<Long, Path> seg = files.floorEntry(position);
            if (seg == null || position >= committed) {
                return 0;
            }
            Long next = files.higherKey(position);
            file = seg.getValue();
            start = seg.getKey();
            end = Math.min(committed, next == null ? Long.MAX_VALUE : next);
        }
        int want = (int) Math.min(into.remaining(), end - position);
        if (want <= 0) {
            return 0;
        }
        FileChannel opened;
        try {
            opened = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            synchronized (this) {
                if (deleted) {
                    return 0; // a full sync replaced this generation while we looked: the caller moves on
                }
            }
            throw e;
        }
        try (FileChannel ch = opened) {
            into.limit(into.position() + want);
            int total = 0;
            while (total < want) {
                int n = ch.read(into, position - start + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        }
    }

    /** Deletes segments that end at or below {@code offset}, never the one being written. */
    synchronized void release(long offset) {
        while (files.size() > 1) {
            Map.Entry<Long, Path> first = files.firstEntry();
            Long next = files.higherKey(first.getKey());
            if (next > offset) {
                return;
            }
            files.pollFirstEntry();
            try {
                bytesOnDisk -= Files.size(first.getValue());
                Files.deleteIfExists(first.getValue());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete spool segment " + first.getValue(), e);
            }
        }
    }

    /** Closes the file being appended and deletes every segment: the generation is over. */
    void delete() throws IOException {
        closeWriter();
        synchronized (this) {
            for (Path p : files.values()) {
                Files.deleteIfExists(p);
            }
            files.clear();
            bytesOnDisk = 0;
            deleted = true;
        }
    }

    private void closeWriter() throws IOException {
        if (writing != null) {
            writing.close();
            writing = null;
        }
    }
}
