package io.slotferry.write;

/**
 * Where writes go. {@link ClusterWriter} is the implementation for a real target; the interface
 * lets loaders and replayers be written against "submit, then drain".
 */
public interface WriteSink {

    /**
     * Queues a write. Blocks while the writes in flight hold the configured number of bytes
     * (backpressure). Throws when the writer has stopped (a fatal error, or a data error under
     * {@link DataErrorPolicy#STOP}).
     */
    void submit(Write write) throws WriteException, InterruptedException;

    /**
     * The submitting thread has no more writes for now: writes it submitted and a sink holds back to
     * send them together go out now. {@link #drain()} flushes first; a sink that sends each write as
     * it comes needs nothing here.
     */
    default void flush() {
    }

    /** Returns once every write submitted so far is acknowledged (or skipped as a counted data error). */
    void drain() throws WriteException, InterruptedException;

    /**
     * Highest source offset such that every write carrying an offset up to it is acknowledged (and,
     * when the target has replicas, confirmed by them with {@code WAIT}); -1 before the first.
     */
    long appliedOffset();
}
