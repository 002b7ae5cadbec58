package io.slotferry.migration;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.source.Info;
import java.io.IOException;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The source's {@code master_repl_offset}, asked every interval on a connection of its own (never
 * the replication link, which only carries the stream) by a thread of its own, so a slow or
 * unreachable source never holds up the status of the others. {@link #latest()} answers -1 when the
 * last poll failed.
 */
final class SourceOffset implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SourceOffset.class.getName());

    private final RedisEndpoint endpoint;
    private final Duration timeout;
    private final long intervalMillis;
    private final Thread thread;
    private volatile long latest = -1;
    private volatile boolean closed;
    private RedisConnection connection;
    private boolean warned;

    SourceOffset(String name, RedisEndpoint endpoint, Duration timeout, Duration interval) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.intervalMillis = Math.max(100, interval.toMillis());
        this.thread = new Thread(this::pollUntilClosed, "source offset " + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The offset at the last poll, or -1 when it failed or none has answered yet. */
    long latest() {
        return latest;
    }

    private void pollUntilClosed() {
        while (!closed) {
            latest = poll();
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                break;
            }
        }
        disconnect();
    }

    private long poll() {
        try {
            if (connection == null) {
                connection = RedisConnection.open(endpoint, timeout);
                connection.readTimeout(timeout);
            }
            long offset = Info.number(Info.read(connection, "replication"), "master_repl_offset", -1);
            warned = false;
            return offset;
        } catch (IOException e) {
            if (!warned) {
                LOG.log(Level.WARNING, "cannot read master_repl_offset of {0}: {1}", new Object[] {endpoint, e.getMessage()});
                warned = true;
            }
            disconnect();
            return -1;
        }
    }

    private void disconnect() {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing the offset connection", e);
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
