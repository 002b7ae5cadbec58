package io.slotferry.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * {@link SnapshotBytes} of a snapshot the {@link Spool} may still be receiving: reads follow the
 * receiver through the file, waiting for bytes it has not written yet.
 */
final class ArrivingRdb implements SnapshotBytes {
    /** How long one wait for the receiver lasts before the spool is asked again. */
    private static final long WAIT_MILLIS = 100;

    private final Spool spool;
    private final Spool.Snapshot snapshot;

    ArrivingRdb(Spool spool, Spool.Snapshot snapshot) {
        this.spool = spool;
        this.snapshot = snapshot;
    }

    @Override
    public long length() {
        return spool.completeLength(snapshot);
    }

    @Override
    public InputStream open() throws IOException {
        FileChannel channel = FileChannel.open(snapshot.file(), StandardOpenOption.READ);
        return new InputStream() {
            private long position;
            /** Bytes known to be written past {@code position}: read them without asking the spool. */
            private long ready;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (ready == 0) {
                    long n;
                    try {
                        n = spool.awaitSnapshotBytes(snapshot, position, WAIT_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for the snapshot's bytes");
                    }
                    if (n < 0) {
                        return -1;
                    }
                    ready = n;
                }
                int want = (int) Math.min(len, ready);
                int got = channel.read(ByteBuffer.wrap(b, off, want), position);
                if (got <= 0) {
                    throw new IOException("the snapshot file " + snapshot.file() + " is shorter than the " + (position + ready)
                            + " bytes written to it");
                }
                position += got;
                ready -= got;
                return got;
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }
}
