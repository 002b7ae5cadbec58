package io.slotferry.filter;

import io.slotferry.resp.KeyText;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.source.Info;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Reads one key of the source at a known replication offset: {@code MULTI; DUMP; PTTL; INFO replication; EXEC} on
 * the instance whose stream is replayed. The transaction makes the three reads one moment of the source: the value
 * holds the effect of every command up to {@code master_repl_offset} and of none after it, which is the fence
 * {@link StreamFilter} keeps for the key. One connection, opened at the first read; single-threaded.
 */
final class SourceCopy implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final RedisEndpoint source;
    private RedisConnection connection;
    private int db = -1;

    /**
     * One read.
     *
     * @param payload the DUMP payload, null when the key does not exist
     * @param pttl    PTTL's reply (-1: no expiry)
     * @param offset  the source's {@code master_repl_offset} at that moment
     */
    record Read(byte[] payload, long pttl, long offset) {
    }

    SourceCopy(RedisEndpoint source) {
        this.source = source;
    }

    Read read(int database, byte[] key) throws IOException, CopyException {
        RedisConnection c = connection();
        try {
            if (database != db) {
                refused(c.call("SELECT", Integer.toString(database)), "SELECT " + database, key);
                db = database;
            }
            refused(c.call("MULTI"), "MULTI", key);
            refused(c.call(List.of(bytes("DUMP"), key)), "DUMP", key);
            refused(c.call(List.of(bytes("PTTL"), key)), "PTTL", key);
            refused(c.call("INFO", "replication"), "INFO", key);
            RespValue r = c.call("EXEC");
            if (!(r instanceof RespValue.Array a) || a.items() == null || a.items().size() != 3) {
                throw new CopyException("the source " + source + " answered " + r + " to a transaction reading key "
                        + KeyText.printable(key));
            }
            RespValue dump = refused(a.items().get(0), "DUMP", key);
            RespValue pttl = refused(a.items().get(1), "PTTL", key);
            RespValue info = refused(a.items().get(2), "INFO", key);
            long offset = info instanceof RespValue.Bulk b && b.bytes() != null
                    ? Info.number(Info.parse(b.text()), "master_repl_offset", -1) : -1;
            if (offset < 0) {
                throw new CopyException("INFO replication of the source " + source + " has no master_repl_offset");
            }
            byte[] payload = dump instanceof RespValue.Bulk b ? b.bytes() : null;
            long ttl = pttl instanceof RespValue.Integer n ? n.value() : -1;
            return new Read(payload, ttl, offset);
        } catch (IOException | CopyException e) {
            close();
            throw e;
        }
    }

    private RespValue refused(RespValue r, String what, byte[] key) throws CopyException {
        if (r instanceof RespValue.Error e) {
            throw new CopyException(what + " for key " + KeyText.printable(key) + " on the source " + source + ": " + e.message()
                    + " (a filtered run copies a key again from the source when a stream command mixes kept and left-out"
                    + " keys; its user needs DUMP, PTTL, INFO, MULTI and EXEC there)");
        }
        return r;
    }

    private RedisConnection connection() throws IOException {
        if (connection == null) {
            connection = RedisConnection.open(source, TIMEOUT);
            db = -1;
        }
        return connection;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException ignored) {
                // already broken
            }
            connection = null;
        }
    }
}
