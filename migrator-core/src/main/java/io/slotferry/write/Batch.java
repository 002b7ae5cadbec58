package io.slotferry.write;

import io.slotferry.resp.RespWriter;
import java.util.Arrays;
import java.util.List;

/**
 * The bytes of one pipelined send, encoded in place: one buffer per writer, reused, so a write is
 * copied once (from its arguments into the socket's buffer). It shrinks back after a big value.
 */
final class Batch {
    private static final int INITIAL = 1 << 20;
    private byte[] buf = new byte[INITIAL];
    private int size;

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

    /** Empties the batch; a buffer grown past the initial size for a big value is released. */
    void clear() {
        size = 0;
        if (buf.length > 4 * INITIAL) {
            buf = new byte[INITIAL];
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
