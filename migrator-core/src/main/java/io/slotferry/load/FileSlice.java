package io.slotferry.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The bytes {@code [from, from + length)} of a file, read with positional reads so several slices (and
 * the main reader) share one channel. Closing a slice leaves the channel open.
 */
final class FileSlice extends InputStream {
    private final FileChannel channel;
    private long position;
    private final long end;

    FileSlice(FileChannel channel, long from, long length) {
        this.channel = channel;
        this.position = from;
        this.end = from + length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (position >= end) {
            return -1;
        }
        int n = (int) Math.min(len, end - position);
        int read = channel.read(ByteBuffer.wrap(b, off, n), position);
        if (read > 0) {
            position += read;
        }
        return read;
    }
}
