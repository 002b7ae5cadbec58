package io.slotferry.load;

import io.slotferry.rdb.PendingEntry;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbReader;
import io.slotferry.rdb.StreamId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The pending entries lists (PEL) of every consumer group of one stream, from a first pass over the
 * value: delivery time and count per entry, needed when the consumers' PEL IDs arrive (after the group
 * PEL, in file order), and the union of pending IDs, needed while the entries are written (an entry that
 * is pending but was deleted from the stream must be added and deleted again, see {@link StreamRewriter}).
 *
 * <p>Entries are 32-byte records (ID ms, ID seq, delivery time, delivery count), in group order and, within
 * a group, in ID order (as the RDB stores them). Up to {@code inMemory} records stay on the heap; beyond
 * that they go to a temporary file read back with positional reads, so memory does not grow with the PEL.
 */
final class PendingIndex implements AutoCloseable {
    private static final int RECORD = 32;
    /** Marks a pending ID that is not a live stream entry (kept in the count's unused sign bit). */
    private static final long GHOST = Long.MIN_VALUE;

    private final int inMemory;
    private final Path spillDirectory;
    private long[] memory = new long[64];
    private long size;
    private final List<Long> groupStarts = new ArrayList<>();
    private Path spillFile;
    private FileChannel spill;
    private final ByteBuffer record = ByteBuffer.allocate(RECORD);

    PendingIndex(int inMemory, Path spillDirectory) {
        this.inMemory = inMemory;
        this.spillDirectory = spillDirectory;
    }

    /** Reads the group PELs of the stream value {@code value} yields (a first, separate pass). */
    static PendingIndex of(RdbReader value, int inMemory, Path spillDirectory) throws IOException {
        PendingIndex index = new PendingIndex(inMemory, spillDirectory);
        try (value) {
            RdbEvent e;
            while ((e = value.next()) != null) {
                if (e instanceof RdbEvent.StreamGroup) {
                    index.startGroup();
                } else if (e instanceof RdbEvent.StreamPending p) {
                    for (PendingEntry entry : p.entries()) {
                        index.add(entry.id(), entry.deliveryTimeMs(), entry.deliveryCount());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            index.close();
            throw e;
        }
        return index;
    }

    /** The entries added from now on belong to the next group. */
    void startGroup() {
        groupStarts.add(size);
    }

    void add(StreamId id, long deliveryTimeMs, long deliveryCount) throws IOException {
        if (size < inMemory) {
            int at = (int) size * 4;
            if (at + 4 > memory.length) {
                memory = Arrays.copyOf(memory, (int) Math.min((long) inMemory * 4, Math.max(memory.length * 2L, at + 4L)));
            }
            memory[at] = id.ms();
            memory[at + 1] = id.seq();
            memory[at + 2] = deliveryTimeMs;
            memory[at + 3] = deliveryCount & ~GHOST;
        } else {
            if (spill == null) {
                spillFile = Files.createTempFile(spillDirectory, "slotferry-pel-", ".bin");
                spill = FileChannel.open(spillFile, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.DELETE_ON_CLOSE);
            }
            write(size, id.ms(), id.seq(), deliveryTimeMs, deliveryCount & ~GHOST);
        }
        size++;
    }

    int groups() {
        return groupStarts.size();
    }

    long size() {
        return size;
    }

    /** Index of the first entry of group {@code g} (0-based, in file order). */
    long groupStart(int g) {
        return groupStarts.get(g);
    }

    /** Index after the last entry of group {@code g}. */
    long groupEnd(int g) {
        return g + 1 < groupStarts.size() ? groupStarts.get(g + 1) : size;
    }

    StreamId id(long i) throws IOException {
        return new StreamId(field(i, 0), field(i, 1));
    }

    long deliveryTime(long i) throws IOException {
        return field(i, 2);
    }

    long deliveryCount(long i) throws IOException {
        return field(i, 3) & ~GHOST;
    }

    boolean ghost(long i) throws IOException {
        return (field(i, 3) & GHOST) != 0;
    }

    void markGhost(long i) throws IOException {
        if (i < inMemory) {
            memory[(int) i * 4 + 3] |= GHOST;
        } else {
            write(i, field(i, 0), field(i, 1), field(i, 2), field(i, 3) | GHOST);
        }
    }

    /**
     * The index of {@code id} in group {@code g}, or -1. {@code hint} is tried first: a consumer's IDs are
     * usually consecutive in the group PEL, so the lookup is mostly one comparison.
     */
    long find(int g, StreamId id, long hint) throws IOException {
        long lo = groupStart(g);
        long hi = groupEnd(g) - 1;
        if (hint >= lo && hint <= hi && id(hint).equals(id)) {
            return hint;
        }
        while (lo <= hi) {
            long mid = (lo + hi) >>> 1;
            int c = id(mid).compareTo(id);
            if (c == 0) {
                return mid;
            } else if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    private long field(long i, int f) throws IOException {
        if (i < inMemory) {
            return memory[(int) i * 4 + f];
        }
        record.clear();
        long at = (i - inMemory) * RECORD;
        while (record.hasRemaining()) {
            if (spill.read(record, at + record.position()) < 0) {
                throw new IOException("the PEL spill file " + spillFile + " ended early");
            }
        }
        return record.getLong(f * 8);
    }

    private void write(long i, long ms, long seq, long time, long count) throws IOException {
        record.clear();
        record.putLong(ms).putLong(seq).putLong(time).putLong(count).flip();
        long at = (i - inMemory) * RECORD;
        while (record.hasRemaining()) {
            spill.write(record, at + record.position());
        }
    }

    /** True when entries went to the spill file (for tests and logs). */
    boolean spilled() {
        return spill != null;
    }

    @Override
    public void close() throws IOException {
        if (spill != null) {
            spill.close(); // DELETE_ON_CLOSE removes the file (on Unix it is unlinked as soon as it is opened)
            spill = null;
        }
    }
}
