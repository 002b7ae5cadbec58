package io.slotferry.replication;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RespValue;
import java.io.IOException;

/**
 * The replica side of the replication handshake: {@code PING}, {@code REPLCONF listening-port},
 * {@code REPLCONF capa eof capa psync2}, then {@code PSYNC <replid> <offset+1>} (or {@code PSYNC ? -1}),
 * falling back to {@code SYNC} for masters that do not know PSYNC (before 2.8).
 */
final class Handshake {
    /** A reply that means "try again later" rather than "never". */
    static final class Transient extends IOException {
        private static final long serialVersionUID = 1L;

        Transient(String message) {
            super(message);
        }
    }

    private final RedisConnection connection;
    private boolean acksSupported = true;

    Handshake(RedisConnection connection) {
        this(connection, null);
    }

    /**
     * @param syncReplyTimeout the bound of the wait for the sync reply and the transfer after it (a master
     *                         may first wait for a diskless sync delay), set before PSYNC is sent; null keeps
     *                         the connection's bound (the commands before PSYNC answer at once)
     */
    Handshake(RedisConnection connection, java.time.Duration syncReplyTimeout) {
        this.connection = connection;
        this.syncReplyTimeout = syncReplyTimeout;
    }

    private final java.time.Duration syncReplyTimeout;

    /** False when the master refused REPLCONF (before 2.8): it must not be sent ACKs. */
    boolean acksSupported() {
        return acksSupported;
    }

    /**
     * Runs the handshake and reads the sync reply line; the connection is then positioned at the RDB
     * transfer (full) or the backlog (continue).
     *
     * @param from where to resume, or null for a full sync
     */
    SyncReply run(StreamPosition from, int listeningPort) throws IOException {
        return run(from, listeningPort, false);
    }

    /**
     * @param rdbOnly ask for the RDB only, no stream afterwards ({@code REPLCONF rdb-only 1}, Redis 7.0+;
     *                older masters refuse it and are simply disconnected after the transfer)
     */
    SyncReply run(StreamPosition from, int listeningPort, boolean rdbOnly) throws IOException {
        RespValue pong = connection.call("PING");
        if (pong instanceof RespValue.Error e) {
            failOrRetry("PING", e);
        }
        RespValue port = connection.call("REPLCONF", "listening-port", Integer.toString(listeningPort));
        if (port instanceof RespValue.Error) {
            acksSupported = false; // a master before 2.8 has no REPLCONF at all
        } else {
            // capa eof: we accept diskless transfers; psync2: we understand +CONTINUE <new id>.
            connection.call("REPLCONF", "capa", "eof", "capa", "psync2");
            if (rdbOnly) {
                connection.call("REPLCONF", "rdb-only", "1");
            }
        }
        boolean partial = from != null && !from.replid().isNone();
        String[] psync = partial
                ? new String[] {"PSYNC", from.replid().value(), Long.toString(from.offset() + 1)}
                : new String[] {"PSYNC", "?", "-1"};
        if (syncReplyTimeout != null) {
            connection.readTimeout(syncReplyTimeout);
        }
        connection.send(io.slotferry.resp.RespWriter.command(psync));
        String line = readReplyLine();
        if (line.startsWith("+FULLRESYNC")) {
            String[] parts = line.split(" ");
            if (parts.length != 3) {
                throw new ReplicationException("malformed reply to PSYNC from " + connection.endpoint() + ": " + line);
            }
            try {
                return new SyncReply.FullResync(new ReplicationId(parts[1]), Long.parseLong(parts[2]));
            } catch (IllegalArgumentException ex) {
                throw new ReplicationException("malformed reply to PSYNC from " + connection.endpoint() + ": " + line, ex);
            }
        }
        if (line.startsWith("+CONTINUE")) {
            String id = line.length() > "+CONTINUE".length() ? line.substring("+CONTINUE".length()).trim() : "";
            return new SyncReply.Continue(id.isEmpty() ? from.replid() : new ReplicationId(id));
        }
        if (line.startsWith("-")) {
            RespValue.Error e = new RespValue.Error(line.substring(1));
            if (e.message().toLowerCase(java.util.Locale.ROOT).contains("unknown command")) {
                connection.send(io.slotferry.resp.RespWriter.command("SYNC"));
                return new SyncReply.LegacySync();
            }
            failOrRetry("PSYNC", e);
        }
        throw new ReplicationException("unexpected reply to PSYNC from " + connection.endpoint() + ": " + line);
    }

    /** The reply line, skipping the bare newlines a busy master sends as keepalives. */
    private String readReplyLine() throws IOException {
        while (connection.reader().peek() == '\n') {
            connection.reader().readByte();
        }
        return connection.reader().readLine();
    }

    private void failOrRetry(String command, RespValue.Error e) throws IOException {
        switch (e.code()) {
            // The master is loading its dataset, or (a replica used as source) lost its own master.
            case "LOADING", "NOMASTERLINK", "MASTERDOWN", "TRYAGAIN", "BUSY" ->
                    throw new Transient(command + " refused for now by " + connection.endpoint() + ": " + e.message());
            default -> throw new ReplicationException(command + " refused by " + connection.endpoint() + ": " + e.message());
        }
    }
}
