package io.slotferry.checkpoint;

import io.slotferry.replication.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive use of a state directory by one process ({@code migrate run}, {@code migrate finish}):
 * an OS lock on {@code DIR/lock}, held until {@link #close()} or the process ends (also by {@code kill -9}:
 * the OS releases it). The file holds the holder's pid, for the message a second process gets.
 */
public final class StateLock implements AutoCloseable {
    /** The lock file's name in the state directory. */
    public static final String FILE = "lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StateLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dir} (created owner-only when missing) or fails at once.
     *
     * @throws CheckpointException when another process (or this one) holds it; the message names the
     *                             directory and the holder's pid when the lock file says it
     */
    public static StateLock acquire(Path dir) throws IOException {
        StateDirectory.create(dir);
        Path file = dir.resolve(FILE);
        FileChannel ch = OwnerOnly.channel(file, StandardOpenOption.CREATE, StandardOpenOption.READ);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM already
        } catch (IOException e) {
            ch.close();
            throw new CheckpointException("cannot lock state directory " + dir + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            String holder = holder(file);
            ch.close();
            throw new CheckpointException("state directory " + dir + " is in use by another migrate process"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")") + ": two runs on one state directory would apply"
                    + " the stream twice; stop that process first, or use another --state-dir");
        }
        byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(pid), 0);
        ch.force(false);
        return new StateLock(ch, lock);
    }

    private static String holder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return text.matches("\\d{1,10}") ? text : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Releases the lock (the file stays: removing it would race with a process taking it). */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
