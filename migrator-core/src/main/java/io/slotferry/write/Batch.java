package io.slotferry.write;

import io.slotferry.resp.RespWriter;
import java.util.Arrays;
import java.util.List;

/**
 * The bytes of one pipelined send, encoded in place: one buffer per writer, reused, so a write is
 * copied once (from its arguments into the socket's buffer). The buffer starts at a size that follows
 * the writer's in-flight budget ({@link #initialFor}: 1 MiB for the default 16 MiB, 64 KiB at least, so
 * that many workers sharing a heap with small budgets start small), grows to what the batches hold (a
 * batch holds only writes in flight) and is kept; after a value that made it larger than four times
 * {@link #LARGEST_INITIAL} it goes back to its initial size.
 */
final class Batch {
    static final int SMALLEST_INITIAL = 64 << 10;
    static final int LARGEST_INITIAL = 1 << 20;
    /** Above this a buffer is released as soon as its batch is sent (a big value's). */
    private static final int KEEP_AT_MOST = 4 * LARGEST_INITIAL;

    private final int initial;
    private byte[] buf;
    private int size;

    /** A batch for a one-off send (a probe): the smallest start. */
    Batch() {
        this(SMALLEST_INITIAL);
    }

    Batch(int initial) {
        this.initial = initial;
        this.buf = new byte[initial];
    }

    /**
     * The start for a writer with this in-flight budget: a sixteenth of it, between 64 KiB and 1 MiB. Growing
     * a buffer from small to what each batch needs instead (and shrinking it back) slowed bench/big-key.sh's
     * chunked writes by half (docs/benchmarks.md, "Many sources in one process").
     */
    static int initialFor(long maxInFlightBytes) {
        return (int) Math.max(SMALLEST_INITIAL, Math.min(LARGEST_INITIAL, maxInFlightBytes / 16));
    }

    void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
    }

    /** Makes room for {@code bytes} more, for {@link #encode} calls whose total length the caller knows. */
    void reserve(long bytes) {
        ensure(bytes);
    }

    /** Appends {@code command} without measuring it: room was {@link #reserve reserved} for it. */
    void encode(List<byte[]> command) {
        size = RespWriter.encode(command, buf, size);
    }

    int size() {
        return size;
    }

    byte[] buffer() {
        return buf;
    }

    /** The buffer's size: what this batch keeps on the heap between sends. */
    int capacity() {
        return buf.length;
    }

    /** Empties the batch; a buffer grown past {@link #KEEP_AT_MOST} for a big value is released. */
    void clear() {
        size = 0;
        if (buf.length > KEEP_AT_MOST) {
            buf = new byte[initial];
        }
    }

    private void ensure(long more) {
        long need = size + more;
        if (need > buf.length) {
            if (need > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("a batch of " + need + " bytes is too big");
            }
            buf = Arrays.copyOf(buf, (int) Math.max(need, Math.min(Integer.MAX_VALUE - 16, 2L * buf.length)));
        }
    }
}
