package io.slotferry.replication;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.AuthenticationException;
import io.slotferry.resp.CommandFramer;
import io.slotferry.resp.CommandName;
import io.slotferry.resp.RespWriter;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.nio.file.Path;

/**
 * The socket side of a replica, on its own thread: connect, handshake, receive the RDB into the
 * spool, then append the stream to the spool as fast as the master sends it, acknowledging the
 * received offset every second and on {@code REPLCONF GETACK}. After a network failure it
 * reconnects with backoff and asks for a partial resync first.
 */
final class Receiver implements Runnable {
    private static final System.Logger LOG = System.getLogger(Receiver.class.getName());
    /**
     * {@code REPLCONF} commands up to this many argument bytes are kept while framing, enough to spot
     * {@code REPLCONF GETACK}; the stream's writes are only delimited here, without an allocation per
     * command (the worker frames them into arguments, once, as it reads the spool).
     */
    private static final int KEEP_SMALL = 64;

    private final RedisEndpoint endpoint;
    private final ReplicaOptions options;
    private final Spool spool;

    private volatile boolean closed;
    private volatile RedisConnection connection;
    private volatile ReplicationId replid;
    /** End offset of the last complete command received and spooled. */
    private volatile long received;
    private int db;
    private boolean legacy;
    /** An RDB transfer broke: the next session must be a full sync (see {@link #session}). */
    private boolean transferBroken;

    Receiver(RedisEndpoint endpoint, ReplicaOptions options, Spool spool, StreamPosition from) {
        this.endpoint = endpoint;
        this.options = options;
        this.spool = spool;
        if (from != null) {
            this.replid = from.replid();
            this.received = from.offset();
            this.db = from.db();
        }
    }

    long received() {
        return received;
    }

    ReplicationId replid() {
        return replid;
    }

    /** Current reconnect delay; reset once a sync succeeds. */
    private volatile long backoff;
    /** Why the link is down while reconnecting (null once a sync succeeds). */
    private volatile String linkError;

    /** Why the link to the master is down while it is retried, or null when it is up (or was never tried). */
    String linkError() {
        return linkError;
    }

    @Override
    public void run() {
        backoff = options.minBackoff().toMillis();
        while (!closed) {
            try {
                session(() -> {
                    backoff = options.minBackoff().toMillis();
                    linkError = null;
                });
                return;
            } catch (ReplicationException e) {
                spool.fail(e);
                return;
            } catch (AuthenticationException e) {
                spool.fail(new ReplicationException(e.getMessage(), e)); // the same credentials will not work later
                return;
            } catch (javax.net.ssl.SSLException e) {
                // A certificate or protocol mismatch does not heal by retrying.
                spool.fail(new ReplicationException("TLS with " + endpoint + " failed: " + e.getMessage(), e));
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.log(Level.WARNING, "replication from {0} interrupted ({1}); reconnecting in {2} ms",
                        endpoint, e.getMessage(), backoff);
                linkError = e.getMessage() + "; reconnecting";
            } catch (RuntimeException e) {
                spool.fail(new ReplicationException("replication from " + endpoint + " failed: " + e, e));
                return;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                if (!closed) {
                    // Not a close(): say so, or the consumer would wait for data that never comes.
                    spool.fail(new ReplicationException("replication from " + endpoint + " was interrupted"));
                }
                return;
            }
            backoff = Math.min(backoff * 2, options.maxBackoff().toMillis());
        }
    }

    /** One connection, from handshake until it breaks. {@code onSynced} runs once the sync reply is handled. */
    private void session(Runnable onSynced) throws IOException {
        try (RedisConnection c = RedisConnection.open(endpoint, options.connectTimeout())) {
            connection = c;
            if (closed) {
                return;
            }
            // PING and REPLCONF answer at once (the connect timeout bounds them); the sync reply and the
            // transfer may wait for the master's fork or diskless delay, with newline keepalives.
            Handshake handshake = new Handshake(c, options.transferTimeout());
            StreamPosition from = replid != null && !replid.isNone() && !legacy && !transferBroken
                    ? new StreamPosition(replid, received, db) : null;
            SyncReply reply = handshake.run(from, options.listeningPort() == 0 ? c.localPort() : options.listeningPort());
            byte[] afterRdb = new byte[0];
            boolean diskless = false;
            if (reply instanceof SyncReply.Continue k) {
                LOG.log(Level.INFO, "partial resync with {0} accepted at offset {1}", endpoint, received);
                replid = k.replid();
                spool.resumed(k.replid(), received);
            } else {
                ReplicationId id = reply instanceof SyncReply.FullResync f ? f.replid() : ReplicationId.NONE;
                long offset = reply instanceof SyncReply.FullResync f ? f.offset() : 0;
                legacy = reply instanceof SyncReply.LegacySync;
                Path file = spool.beginFullSync();
                RdbTransfer.Received rdb;
                // The consumer may read the file while it arrives: a transfer that breaks leaves a partial
                // snapshot it has begun to load, so the next session asks for a new full sync, never +CONTINUE.
                transferBroken = true;
                try (OutputStream out = new BufferedOutputStream(spool.snapshotOutput(id, offset, file), 1 << 16)) {
                    rdb = RdbTransfer.receive(c.reader(), out);
                } catch (IOException e) {
                    if (e instanceof EOFException || e instanceof SocketTimeoutException || e instanceof java.net.SocketException) {
                        throw e; // network: retried
                    }
                    throw new ReplicationException("cannot spool the RDB to " + file + " (disk full?): " + e.getMessage(), e);
                }
                transferBroken = false;
                LOG.log(Level.INFO, "received the {0} RDB of {1}: {2} bytes", rdb.diskless() ? "diskless" : "disk", endpoint, rdb.length());
                replid = id;
                received = offset;
                spool.snapshotReceived(id, offset, file, rdb.length());
                afterRdb = rdb.afterMark();
                diskless = rdb.diskless();
            }
            spool.openStream(received);
            boolean acks = handshake.acksSupported() && !(legacy && !diskless);
            if (diskless && handshake.acksSupported()) {
                ack(c, received); // after $EOF: masters wait for the first ACK before streaming
            }
            onSynced.run();
            stream(c, acks, afterRdb);
        } finally {
            connection = null;
        }
    }

    private void stream(RedisConnection c, boolean acks, byte[] initial) throws IOException {
        CommandFramer framer = new CommandFramer(received, KEEP_SMALL, "REPLCONF");
        CommandFramer.Listener listener = (start, end, argv) -> {
            if (acks && argv != null && argv.size() >= 2 && CommandName.is(argv.get(0), "REPLCONF")
                    && CommandName.is(argv.get(1), "GETACK")) {
                ack(c, start); // the offset before the GETACK itself, as Redis replicas answer
            }
        };
        long ackEvery = options.ackInterval().toMillis();
        c.readTimeout(options.ackInterval());
        long lastAck = System.currentTimeMillis();
        long lastData = lastAck;
        byte[] buf = new byte[1 << 16];
        if (initial.length > 0) {
            consume(framer, listener, initial, initial.length, System.currentTimeMillis());
        }
        boolean warnedFull = false;
        while (!closed) {
            long now = System.currentTimeMillis();
            if (acks && now - lastAck >= ackEvery) {
                ack(c, received);
                lastAck = now;
            }
            if (spool.full()) {
                if (!warnedFull) {
                    LOG.log(Level.WARNING, "stream spool of {0} is at its quota ({1} bytes): pausing reads", endpoint, options.maxSpoolBytes());
                    warnedFull = true;
                }
                sleep(100);
                lastData = now; // our own pause is not the master's silence
                continue;
            }
            warnedFull = false;
            int n;
            try {
                n = c.reader().read(buf, 0, buf.length);
            } catch (SocketTimeoutException e) {
                n = 0;
            }
            if (n < 0) {
                throw new EOFException("the master closed the replication link");
            }
            if (n > 0) {
                // Taken as the read returns: the time a command was received, which TTL conversion needs.
                lastData = System.currentTimeMillis();
                consume(framer, listener, buf, n, lastData);
            } else if (System.currentTimeMillis() - lastData > options.replTimeout().toMillis()) {
                throw new SocketTimeoutException("no data from the master for " + options.replTimeout().toSeconds() + " s");
            }
        }
    }

    private void consume(CommandFramer framer, CommandFramer.Listener listener, byte[] b, int n, long receivedAt)
            throws IOException {
        spool.append(b, 0, n);
        framer.feed(b, 0, n, listener);
        long boundary = framer.commandBoundary();
        if (boundary != received) {
            received = boundary;
            spool.commit(boundary, receivedAt);
        }
    }

    private void ack(RedisConnection c, long offset) throws IOException {
        c.send(RespWriter.command("REPLCONF", "ACK", Long.toString(offset)));
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    /** Stops the thread: closing the socket unblocks a pending read. */
    void close() {
        closed = true;
        RedisConnection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
