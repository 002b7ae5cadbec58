package io.slotferry.migration;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.source.Info;
import java.io.IOException;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The source's {@code master_repl_offset}, asked on a connection of its own (never the replication
 * link, which only carries the stream). A failed poll answers -1 and reconnects at the next one.
 */
final class SourceOffset implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SourceOffset.class.getName());

    private final RedisEndpoint endpoint;
    private final Duration timeout;
    private RedisConnection connection;
    private boolean warned;

    SourceOffset(RedisEndpoint endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
    }

    /** The offset now, or -1 when the source does not answer. */
    long poll() {
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
            close();
            return -1;
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing the offset connection", e);
            }
            connection = null;
        }
    }
}
