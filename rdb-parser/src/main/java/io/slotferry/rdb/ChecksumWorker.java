package io.slotferry.rdb;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Computes the CRC-64 of the input on a second thread, over copies of each block as it is read, so
 * checksumming (about a third of raw parsing time) overlaps parsing instead of adding to it.
 *
 * <p>Memory is bounded: a fixed pool of blocks, three reads' worth ({@link #POOL} blocks of a quarter
 * of a read each), circulates between the reader and the worker: the bytes read but not consumed yet,
 * the read being checksummed and the next read. When the worker falls behind, the reader waits for a
 * free block. The worker only checksums bytes the reader has already consumed ({@link #permit(long)}),
 * because the reader reads ahead and only learns where the RDB ends (the trailer is not checksummed)
 * when it gets there.
 */
final class ChecksumWorker implements AutoCloseable {
    private static final int BLOCKS_PER_READ = 4;
    private static final int POOL = 3 * BLOCKS_PER_READ;

    private record Block(byte[] data, int length) {
    }

    private static final Block STOP = new Block(new byte[0], 0);

    private final BlockingQueue<byte[]> free;
    private final BlockingQueue<Block> filled = new ArrayBlockingQueue<>(POOL + 1);
    private final Crc64 crc = new Crc64();
    private final Thread thread;

    private long enqueued;
    /** Bytes the worker may include so far; guarded by {@code this}. */
    private long permitted;
    /** Set with the final permit: blocks beyond it are not checksummed; guarded by {@code this}. */
    private boolean ending;
    private long done;
    private boolean finished;
    private Throwable failure;

    /** A worker for reads of up to {@code readSize} bytes: its pool holds three times that. */
    ChecksumWorker(int readSize) {
        free = new ArrayBlockingQueue<>(POOL);
        int blockSize = Math.max(1, (readSize + BLOCKS_PER_READ - 1) / BLOCKS_PER_READ);
        for (int i = 0; i < POOL; i++) {
            free.add(new byte[blockSize]);
        }
        thread = new Thread(this::run, "rdb-checksum");
        thread.setDaemon(true); // never keeps a JVM alive if a reader is abandoned without close()
        thread.start();
    }

    /** Queues a copy of {@code len} freshly read bytes. */
    void add(byte[] b, int off, int len) throws IOException {
        int at = 0;
        while (at < len) {
            byte[] buf = take(free);
            int n = Math.min(buf.length, len - at);
            System.arraycopy(b, off + at, buf, 0, n);
            put(new Block(buf, n));
            at += n;
            enqueued += n;
        }
    }

    /** The reader has consumed the first {@code n} bytes: they belong to the checksummed part. */
    synchronized void permit(long n) {
        if (n > permitted) {
            permitted = n;
            notifyAll();
        }
    }

    /** CRC-64 of exactly the first {@code n} bytes (all of which must have been added). */
    long checksumOf(long n) throws IOException {
        if (n > enqueued) {
            throw new IllegalStateException("checksum of " + n + " bytes requested, only " + enqueued + " read");
        }
        synchronized (this) {
            // Final permit and end flag together, so the worker never sees one without the other.
            permitted = Math.max(permitted, n);
            ending = true;
            notifyAll(); // also wakes a worker waiting on a block that lies past the end
        }
        put(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the checksum");
        }
        synchronized (this) {
            if (failure != null) {
                throw new IllegalStateException("checksum thread failed", failure);
            }
            if (!finished || done != n) {
                throw new IllegalStateException("checksum covered " + done + " of " + n + " bytes");
            }
            return crc.value();
        }
    }

    private void run() {
        try {
            while (true) {
                Block block = filled.take();
                if (block == STOP) {
                    break;
                }
                int at = 0;
                while (at < block.length()) {
                    long allowed;
                    synchronized (this) {
                        while (permitted <= done && !ending) {
                            wait();
                        }
                        allowed = permitted - done;
                    }
                    if (allowed <= 0) {
                        break; // the end is known and this block lies past it: not checksummed
                    }
                    int n = (int) Math.min(block.length() - at, allowed);
                    crc.update(block.data(), at, n);
                    at += n;
                    synchronized (this) {
                        done += n;
                    }
                }
                free.put(block.data());
            }
            synchronized (this) {
                finished = true;
            }
        } catch (InterruptedException e) {
            // close(): the reader was abandoned; nothing to report
        } catch (Throwable t) {
            synchronized (this) {
                failure = t;
            }
        }
    }

    private byte[] take(BlockingQueue<byte[]> q) throws IOException {
        try {
            return q.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the checksum thread");
        }
    }

    private void put(Block b) throws IOException {
        try {
            filled.put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing input to the checksum thread");
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
