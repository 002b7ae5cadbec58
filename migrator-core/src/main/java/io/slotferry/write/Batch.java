package io.slotferry.write;

import io.slotferry.resp.RespWriter;
import java.util.Arrays;
import java.util.List;

/**
 * The bytes of one pipelined send, encoded in place: one buffer per writer, reused, so a write is
 * copied once (from its arguments into the socket's buffer). The buffer starts small and grows to what
 * the batches really hold (a batch holds only writes in flight, so together the buffers follow the
 * in-flight budget: many workers with small budgets keep small buffers); it shrinks back to the largest
 * recent batch when that was far smaller, and at once after a big value.
 */
final class Batch {
    static final int INITIAL = 64 << 10;
    /** Above this a buffer is released as soon as its batch is sent (a big value's). */
    private static final int KEEP_AT_MOST = 4 << 20;
    /** Batches between two looks at whether the buffer is bigger than it needs to be. */
    private static final int WINDOW = 64;

    private byte[] buf = new byte[INITIAL];
    private int size;
    private int largestRecent;
    private int sinceLook;

    void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
    }

    void put(List<byte[]> command) {
        ensure(RespWriter.encodedLength(command));
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

    /**
     * Empties the batch. A buffer grown past {@link #KEEP_AT_MOST} for a big value is released; one more
     * than four times the largest batch of the last {@link #WINDOW} sends goes back to twice that size.
     */
    void clear() {
        largestRecent = Math.max(largestRecent, size);
        size = 0;
        if (buf.length > KEEP_AT_MOST) {
            buf = new byte[INITIAL];
            largestRecent = 0;
            sinceLook = 0;
        } else if (++sinceLook >= WINDOW) {
            if (buf.length > INITIAL && buf.length / 4 > largestRecent) {
                buf = new byte[Math.max(INITIAL, Integer.highestOneBit(Math.max(1, largestRecent)) * 2)];
            }
            largestRecent = 0;
            sinceLook = 0;
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
