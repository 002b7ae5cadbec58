package io.slotferry.rdb;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The byte source under the parser: a refillable buffer over an {@link InputStream} that knows the
 * absolute offset of every byte, feeds the CRC-64 as bytes are consumed, and can capture the exact
 * bytes of one value (raw mode) up to a limit.
 *
 * <p>Never allocates according to a declared length alone: big reads grow as data actually arrives,
 * so a truncated file with an absurd length ends in {@link RdbFormatException}, not an
 * OutOfMemoryError.
 */
final class RdbInput {
    /** Reads above this size are assembled from pieces as the data arrives. */
    private static final int DIRECT_ALLOCATION_LIMIT = 8 << 20;

    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;
    /** Absolute offset of buf[0]. */
    private long base;
    private boolean eof;

    /** Null once checksumming is off (disabled, not needed, or finished). */
    private ChecksumWorker checksum;

    private byte[] capture;
    private int captureLength;
    private long capturedTotal;
    private int captureFrom = -1;
    private long captureLimit;

    /** An input whose first byte is at absolute offset {@code startOffset} (0 for a file, more for a value read on its own). */
    RdbInput(InputStream in, int bufferSize, boolean checksummed, long startOffset) {
        this.in = in;
        this.buf = new byte[bufferSize];
        this.base = startOffset;
        this.checksum = checksummed ? new ChecksumWorker(bufferSize) : null;
    }

    long offset() {
        return base + pos;
    }

    RdbFormatException error(String expected, String problem) {
        return new RdbFormatException(offset(), expected, problem);
    }

    private RdbFormatException truncated(String what, long needed) {
        return new RdbFormatException(offset(), what,
                "but the input ended (" + needed + " more byte(s) needed, " + (limit - pos) + " available)");
    }

    /** Moves consumed bytes out of the buffer (into CRC and capture) and reads more; false at end of input. */
    private boolean refill() throws IOException {
        if (eof) {
            return false;
        }
        flushConsumed();
        int remaining = limit - pos;
        if (checksum != null) {
            checksum.permit(base + pos);
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, remaining);
            base += pos;
            pos = 0;
            limit = remaining;
        }
        if (captureFrom >= 0) {
            captureFrom = 0;
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
            return false;
        }
        if (checksum != null) {
            checksum.add(buf, limit, n);
        }
        limit += n;
        return true;
    }

    private void flushConsumed() {
        if (captureFrom >= 0 && pos > captureFrom) {
            appendCapture(buf, captureFrom, pos - captureFrom);
            captureFrom = pos;
        }
    }

    /** Ensures {@code n} (≤ buffer size) bytes are buffered. */
    private void require(int n, String what) throws IOException {
        while (limit - pos < n) {
            if (!refill()) {
                throw truncated(what, n);
            }
        }
    }

    int readUnsignedByte(String what) throws IOException {
        if (pos == limit) {
            require(1, what);
        }
        return buf[pos++] & 0xff;
    }

    int readIntBE(String what) throws IOException {
        require(4, what);
        int v = (buf[pos] & 0xff) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8 | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    long readLongBE(String what) throws IOException {
        require(8, what);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (buf[pos + i] & 0xffL);
        }
        pos += 8;
        return v;
    }

    int readIntLE(String what) throws IOException {
        require(4, what);
        int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    long readLongLE(String what) throws IOException {
        require(8, what);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (buf[pos + i] & 0xffL);
        }
        pos += 8;
        return v;
    }

    /**
     * Reads exactly {@code len} bytes. Lengths above {@link #DIRECT_ALLOCATION_LIMIT} are read in
     * pieces first so the final array is only allocated once the bytes really exist.
     */
    byte[] readBytes(long len, String what) throws IOException {
        if (len <= DIRECT_ALLOCATION_LIMIT) {
            byte[] out = new byte[(int) len];
            readFully(out, 0, out.length, what);
            return out;
        }
        if (len > Integer.MAX_VALUE - 16) {
            throw error(what, "but its declared length " + len + " exceeds what a JVM array can hold");
        }
        byte[][] pieces = new byte[(int) ((len + DIRECT_ALLOCATION_LIMIT - 1) / DIRECT_ALLOCATION_LIMIT)][];
        long left = len;
        for (int i = 0; i < pieces.length; i++) {
            int n = (int) Math.min(left, DIRECT_ALLOCATION_LIMIT);
            pieces[i] = new byte[n];
            readFully(pieces[i], 0, n, what);
            left -= n;
        }
        byte[] out = new byte[(int) len];
        int at = 0;
        for (byte[] p : pieces) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    void readFully(byte[] dst, int off, int len, String what) throws IOException {
        int done = 0;
        while (done < len) {
            if (pos == limit && !refill()) {
                throw truncated(what, len - done);
            }
            int n = Math.min(len - done, limit - pos);
            System.arraycopy(buf, pos, dst, off + done, n);
            pos += n;
            done += n;
        }
    }

    void skip(long len, String what) throws IOException {
        long left = len;
        while (left > 0) {
            if (pos == limit && !refill()) {
                throw truncated(what, left);
            }
            int n = (int) Math.min(left, limit - pos);
            pos += n;
            left -= n;
        }
    }

    /** CRC-64 of every byte consumed so far; ends checksumming. */
    long checksumSoFar() throws IOException {
        if (checksum == null) {
            throw new IllegalStateException("checksum not computed");
        }
        try {
            return checksum.checksumOf(offset());
        } finally {
            stopChecksum();
        }
    }

    /** Stops checksumming (not needed for this file, or done). */
    void stopChecksum() {
        if (checksum != null) {
            checksum.close();
            checksum = null;
        }
    }

    /** Consumes and counts whatever follows (bytes after the trailer are tolerated). */
    long drainRemaining() throws IOException {
        long n = limit - pos;
        pos = limit;
        while (refill()) {
            n += limit - pos;
            pos = limit;
        }
        return n;
    }

    // ---- raw capture ----------------------------------------------------------------------------

    /** Starts capturing consumed bytes; bytes beyond {@code maxBytes} are counted but not kept. */
    void beginCapture(long maxBytes) {
        captureLimit = maxBytes;
        captureLength = 0;
        capturedTotal = 0;
        captureFrom = pos;
        if (capture == null) {
            capture = new byte[64 * 1024];
        }
    }

    private void appendCapture(byte[] b, int off, int len) {
        capturedTotal += len;
        if (capture == null) {
            return; // over the limit: counting only
        }
        if ((long) captureLength + len > captureLimit) {
            capture = null;
            captureLength = 0;
            return;
        }
        if (captureLength + len > capture.length) {
            capture = Arrays.copyOf(capture, (int) Math.min(captureLimit, Math.max((long) capture.length * 2, (long) captureLength + len)));
        }
        System.arraycopy(b, off, capture, captureLength, len);
        captureLength += len;
    }

    /** Ends the capture: the captured bytes, or null when they exceeded the limit; see {@link #capturedLength()}. */
    byte[] endCapture() {
        return endCapture(0, 0);
    }

    /**
     * As {@link #endCapture()}, the bytes placed at {@code before} in an array {@code before} + their length
     * + {@code after} long (room for a frame around them, filled by the caller).
     */
    byte[] endCapture(int before, int after) {
        int from = captureFrom;
        captureFrom = -1;
        if (capturedTotal == 0 && capture != null) {
            // The whole value is still in the input buffer (the common case): one exact copy.
            long len = pos - from;
            capturedTotal = len;
            return len <= captureLimit ? framed(buf, from, (int) len, before, after) : null;
        }
        if (pos > from) {
            appendCapture(buf, from, pos - from);
        }
        byte[] out = capture == null ? null : framed(capture, 0, captureLength, before, after);
        if (capture == null || capture.length > (1 << 20)) {
            capture = new byte[64 * 1024]; // do not keep a huge buffer alive between keys
        }
        return out;
    }

    private static byte[] framed(byte[] b, int from, int len, int before, int after) {
        byte[] out = new byte[before + len + after];
        System.arraycopy(b, from, out, before, len);
        return out;
    }

    long capturedLength() {
        return capturedTotal;
    }
}
