package io.slotferry.replication;

import java.io.IOException;

/**
 * A pull stream of {@link ReplicationEvent}s from one source instance: a replica session, an RDB
 * file, or a SCAN walk. {@link #next()} blocks until the next event is available.
 */
public interface SourceStream extends AutoCloseable {
    /** The next event; null when the source has ended (files, SCAN) — a replica never ends by itself. */
    ReplicationEvent next() throws IOException, InterruptedException;

    @Override
    void close() throws IOException;
}
