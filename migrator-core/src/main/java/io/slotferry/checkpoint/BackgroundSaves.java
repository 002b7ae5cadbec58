package io.slotferry.checkpoint;

import java.io.IOException;

/**
 * Saves one source's checkpoints ({@link StateDirectory#save}) on a thread of its own: the fsync of a
 * save takes tens to hundreds of milliseconds on a busy disk (a stream spool written next to it), and
 * the thread applying the stream must not stand still meanwhile (docs/benchmarks.md, steady-state lag).
 *
 * <p>Records are saved in the order they are asked for; a request made while an older one still waits
 * replaces it (each record is whole and claims only what held when it was taken, so the newest says
 * most). {@link #save} returns at once; {@link #saveNow} returns once its record (or a newer one) is on
 * disk; {@link #awaitSubmitLimit} waits until the record on disk lets writes up to an offset go, which
 * keeps {@link Checkpoint#submitLimit()}'s promise: no write is sent above the limit on disk. A failed
 * save is thrown to the next caller, and nothing more is saved.
 */
public final class BackgroundSaves implements AutoCloseable {
    private final StateDirectory state;
    private final Thread thread;

    // Guarded by this.
    private Checkpoint waiting;
    private long requested;
    private long saved;
    private boolean closed;
    private IOException failure;
    /** The submit limit of the last record on disk (-1 before the first); read without the lock. */
    private volatile long savedSubmitLimit = -1;

    /** Starts the saving thread of {@code source}'s checkpoints in {@code state}. */
    public BackgroundSaves(StateDirectory state, String source) {
        this.state = state;
        this.thread = new Thread(this::run, "checkpoint " + source);
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks for {@code c} to be saved; returns at once (a failure of an earlier save is thrown here). */
    public synchronized void save(Checkpoint c) throws IOException {
        throwIfFailed();
        waiting = c;
        requested++;
        notifyAll();
    }

    /** Saves {@code c} and waits until it (or a newer record) is on disk. */
    public synchronized void saveNow(Checkpoint c) throws IOException, InterruptedException {
        save(c);
        long mine = requested;
        while (saved < mine) {
            throwIfFailed();
            wait();
        }
    }

    /**
     * Returns once the record on disk has a submit limit of at least {@code offset}; a save asking for
     * one must have been requested ({@link #save}), else this fails rather than wait forever.
     */
    public void awaitSubmitLimit(long offset) throws IOException, InterruptedException {
        if (savedSubmitLimit >= offset) {
            return; // the usual case: the limit was raised ahead, in the background
        }
        synchronized (this) {
            while (savedSubmitLimit < offset) {
                throwIfFailed();
                if (saved == requested) {
                    throw new IllegalStateException("no checkpoint asked for raises the submit limit to " + offset);
                }
                wait();
            }
        }
    }

    private void throwIfFailed() throws IOException {
        if (failure != null) {
            throw new CheckpointException("saving a checkpoint failed: " + failure.getMessage(), failure);
        }
        if (closed) {
            throw new IllegalStateException("checkpoint saves are closed");
        }
    }

    private void run() {
        while (true) {
            Checkpoint c;
            long number;
            synchronized (this) {
                while (waiting == null && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (waiting == null) {
                    return; // closed with nothing left to save
                }
                c = waiting;
                number = requested;
                waiting = null;
            }
            try {
                state.save(c); // outside the lock: save() and the wait above go on meanwhile
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
                    notifyAll();
                }
                return;
            }
            synchronized (this) {
                saved = number;
                savedSubmitLimit = c.submitLimit();
                notifyAll();
            }
        }
    }

    /** Saves what was asked for and not saved yet, then stops the thread (up to 10 s). */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        thread.join(10_000);
    }
}
