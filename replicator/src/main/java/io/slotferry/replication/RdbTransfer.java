package io.slotferry.replication;

import io.slotferry.resp.RespReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Receives the RDB of a full sync into a spool file, in either framing: {@code $<len>} (disk-based
 * BGSAVE) or {@code $EOF:<40-byte mark>} (diskless, the RDB ends where the mark appears). Bare
 * {@code \n} keepalives before the header are skipped. Memory: one copy buffer.
 */
final class RdbTransfer {
    static final int MARK_LENGTH = 40;

    /** What was received. */
    record Received(long length, boolean diskless, byte[] afterMark) {
    }

    private RdbTransfer() {
    }

    static Received receive(RespReader in, OutputStream spool) throws IOException {
        while (in.peek() == '\n') {
            in.readByte(); // the master is still producing the RDB
        }
        String header = in.readLine();
        if (header.startsWith("$EOF:")) {
            byte[] mark = header.substring(5).getBytes(StandardCharsets.ISO_8859_1);
            if (mark.length != MARK_LENGTH) {
                throw new ReplicationException("diskless RDB header with a " + mark.length + "-byte mark: " + header);
            }
            return receiveUntilMark(in, spool, mark);
        }
        if (!header.startsWith("$")) {
            throw new ReplicationException("expected the RDB bulk header ($<len> or $EOF:<mark>), got: " + header);
        }
        long length;
        try {
            length = Long.parseLong(header.substring(1));
        } catch (NumberFormatException e) {
            throw new ReplicationException("malformed RDB bulk header: " + header);
        }
        if (length < 0) {
            throw new ReplicationException("negative RDB length in: " + header);
        }
        byte[] buf = new byte[1 << 16];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new java.io.EOFException("connection closed with " + left + " of " + length + " RDB bytes missing");
            }
            spool.write(buf, 0, n);
            left -= n;
        }
        return new Received(length, false, new byte[0]);
    }

    /**
     * Streams bytes to the spool, holding back the last 40 so the mark is never written; the mark is
     * looked for across read boundaries. Bytes after the mark (none from real masters, which wait
     * for the first ACK) are returned for the stream.
     */
    private static Received receiveUntilMark(RespReader in, OutputStream spool, byte[] mark) throws IOException {
        byte[] window = new byte[(1 << 16) + MARK_LENGTH];
        int held = 0; // bytes at the start of window not yet written (at most MARK_LENGTH - 1 after each round)
        long written = 0;
        while (true) {
            int n = in.read(window, held, window.length - held);
            if (n < 0) {
                throw new java.io.EOFException("connection closed before the end mark of a diskless RDB (" + written + " bytes received)");
            }
            int filled = held + n;
            int at = indexOf(window, filled, mark);
            if (at >= 0) {
                spool.write(window, 0, at);
                written += at;
                return new Received(written, true, Arrays.copyOfRange(window, at + MARK_LENGTH, filled));
            }
            int keep = Math.min(filled, MARK_LENGTH - 1);
            spool.write(window, 0, filled - keep);
            written += filled - keep;
            System.arraycopy(window, filled - keep, window, 0, keep);
            held = keep;
        }
    }

    /**
     * Where {@code mark} starts in {@code data[0, length)}, or -1: Horspool's search, which looks at one
     * byte in up to 40 of RDB content that holds no mark character (this runs over every byte of a
     * diskless transfer).
     */
    private static int indexOf(byte[] data, int length, byte[] mark) {
        int[] shift = new int[256];
        Arrays.fill(shift, MARK_LENGTH);
        for (int j = 0; j < MARK_LENGTH - 1; j++) {
            shift[mark[j] & 0xff] = MARK_LENGTH - 1 - j;
        }
        byte last = mark[MARK_LENGTH - 1];
        for (int i = 0; i + MARK_LENGTH <= length; ) {
            byte b = data[i + MARK_LENGTH - 1];
            if (b == last && Arrays.equals(data, i, i + MARK_LENGTH, mark, 0, MARK_LENGTH)) {
                return i;
            }
            i += shift[b & 0xff];
        }
        return -1;
    }
}
