package io.slotferry.replication.scan;

import io.slotferry.rdb.DumpPayload;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.replication.ReplicationException;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.resp.RespWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys a source says changed, from its keyevent notifications ({@code PSUBSCRIBE __keyevent@*__:*}), so a SCAN
 * copy can re-copy them after its walk. Needs the source's {@code notify-keyspace-events} to hold {@code E} and the
 * classes {@code g$lshzxet} (e.g. {@code AE}); see {@link #unavailable}. Nothing here changes the source's config.
 *
 * <p>Notifications are fire-and-forget: a message sent while the connection is down is lost, so once
 * {@link #lost()} says why (the connection failed, or more than the pending budget of key bytes waits), these
 * events cannot say what changed any more and the caller must walk again. FLUSHALL, FLUSHDB and SWAPDB name no key.
 *
 * <p>A reader thread collects the changed keys, each (db, key) once until {@link #take taken}, in a set bounded by
 * {@code maxPendingBytes} of estimated heap (twice the key's bytes plus {@value #ENTRY_OVERHEAD} per key). Thread-safe.
 */
public final class KeyspaceEvents implements AutoCloseable {
    /** The classes that name every key a write command, an expiry or an eviction changes. */
    private static final String NEEDED = "g$lshzxet";
    private static final String PATTERN = "__keyevent@*__:*";
    /** Heap of one pending entry besides its key bytes (map entry, record, id string headers), estimated. */
    private static final int ENTRY_OVERHEAD = 160;

    /** One changed key: re-read it. */
    public record Changed(int db, byte[] key) {
    }

    private final RedisConnection connection;
    private final long maxPendingBytes;
    private final Map<String, Changed> pending = new LinkedHashMap<>();
    private final Thread reader;
    private long pendingBytes;
    private volatile String lost;
    private volatile boolean closed;
    private volatile long notified;

    private KeyspaceEvents(RedisConnection connection, long maxPendingBytes) {
        this.connection = connection;
        this.maxPendingBytes = maxPendingBytes;
        this.reader = new Thread(this::read, "keyevents " + connection.endpoint());
        reader.setDaemon(true);
    }

    /**
     * Why the copy does not follow the source's changes: {@code follow} is {@link ScanFollow#OFF}, the source's
     * notifications cannot tell every changed key (classes missing), or {@code CONFIG GET notify-keyspace-events}
     * is refused and {@code follow} does not {@link ScanFollow#TRUST trust} them; null when it follows.
     */
    public static String unavailable(RedisConnection c, ScanFollow follow) throws IOException {
        if (follow == ScanFollow.OFF) {
            return "--scan-notifications off";
        }
        RespValue r = c.call("CONFIG", "GET", "notify-keyspace-events");
        if (!(r instanceof RespValue.Array a) || a.items() == null || a.items().size() != 2
                || !(a.items().get(1) instanceof RespValue.Bulk b) || b.bytes() == null) {
            return follow == ScanFollow.TRUST ? null : "CONFIG GET notify-keyspace-events answered "
                    + (r instanceof RespValue.Error e ? e.message() : r) + " (a service that sets notify-keyspace-events in its"
                    + " own parameters: --scan-notifications trust follows them)";
        }
        String flags = b.text();
        String have = flags.replace("A", NEEDED);
        StringBuilder missing = new StringBuilder();
        for (char c2 : (NEEDED + "E").toCharArray()) {
            if (have.indexOf(c2) < 0) {
                missing.append(c2);
            }
        }
        return missing.length() == 0 ? null : "notify-keyspace-events is \"" + flags + "\": it lacks " + missing
                + " (keyevent notifications of classes " + NEEDED + " are needed, e.g. \"AE\")";
    }

    /** Subscribes; returns once the source confirmed, so every change after this call is reported. */
    public static KeyspaceEvents subscribe(RedisEndpoint endpoint, Duration connectTimeout, long maxPendingBytes)
            throws IOException {
        RedisConnection c = RedisConnection.open(endpoint, connectTimeout);
        try {
            c.send(RespWriter.command(List.of("PSUBSCRIBE".getBytes(StandardCharsets.US_ASCII),
                    PATTERN.getBytes(StandardCharsets.US_ASCII))));
            RespValue r = c.reader().read();
            if (!(r instanceof RespValue.Array a) || a.items() == null || a.items().size() != 3
                    || !(a.items().get(0) instanceof RespValue.Bulk kind) || !"psubscribe".equals(kind.text())) {
                throw new ReplicationException("PSUBSCRIBE " + PATTERN + " on " + endpoint + " replied "
                        + (r instanceof RespValue.Error e ? "-" + e.message() : String.valueOf(r)));
            }
            c.readTimeout(Duration.ZERO);
            KeyspaceEvents events = new KeyspaceEvents(c, maxPendingBytes);
            events.reader.start();
            return events;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void read() {
        try {
            while (!closed) {
                RespValue m = connection.reader().read();
                if (m instanceof RespValue.Array a && a.items() != null && a.items().size() == 4
                        && a.items().get(2) instanceof RespValue.Bulk channel && a.items().get(3) instanceof RespValue.Bulk key
                        && channel.bytes() != null && key.bytes() != null) {
                    add(db(channel.text()), key.bytes());
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                lost = "the notification connection to " + connection.endpoint() + " failed: " + e.getMessage();
            }
        }
    }

    /** {@code __keyevent@3__:set} is database 3. */
    private static int db(String channel) {
        int at = channel.indexOf('@');
        int end = channel.indexOf("__:", at);
        return Integer.parseInt(channel.substring(at + 1, end));
    }

    private synchronized void add(int db, byte[] key) {
        notified++;
        if (lost != null) {
            return;
        }
        String id = db + " " + new String(key, StandardCharsets.ISO_8859_1);
        if (pending.putIfAbsent(id, new Changed(db, key)) == null) {
            pendingBytes += cost(key);
            if (pendingBytes > maxPendingBytes) {
                lost = pending.size() + " changed keys (about " + pendingBytes + " bytes of heap) wait, over the budget of "
                        + maxPendingBytes + " bytes";
                pending.clear();
                pendingBytes = 0;
            }
        }
    }

    private static long cost(byte[] key) {
        return 2L * key.length + ENTRY_OVERHEAD;
    }

    /** Up to {@code max} changed keys, oldest first, removed from the pending set. */
    public synchronized List<Changed> take(int max) {
        List<Changed> out = new ArrayList<>(Math.min(max, pending.size()));
        Iterator<Changed> it = pending.values().iterator();
        while (out.size() < max && it.hasNext()) {
            Changed c = it.next();
            it.remove();
            pendingBytes -= cost(c.key());
            out.add(c);
        }
        return out;
    }

    /** Changed keys waiting to be taken. */
    public synchronized int pending() {
        return pending.size();
    }

    /** Notifications received so far. */
    public long notified() {
        return notified;
    }

    /** Why changes may have been missed since the subscription (then walk again), or null. */
    public String lost() {
        return lost;
    }

    /**
     * {@code DUMP} and {@code PTTL} of one key, on a connection of its own ({@code SELECT}s {@code db}): the key as a
     * captured raw value (the expiry made absolute with the local clock), or null when it does not exist.
     */
    public static Dumped dump(RedisConnection c, int db, byte[] key) throws IOException {
        RespValue select = c.call("SELECT", Integer.toString(db));
        if (select instanceof RespValue.Error e) {
            throw new ReplicationException("SELECT " + db + " on " + c.endpoint() + " replied -" + e.message());
        }
        long sentAt = System.currentTimeMillis();
        c.sendAll(List.of(RespWriter.command(List.of("DUMP".getBytes(StandardCharsets.US_ASCII), key)),
                RespWriter.command(List.of("PTTL".getBytes(StandardCharsets.US_ASCII), key))));
        RespValue dump = c.reader().read();
        RespValue pttl = c.reader().read();
        if (!(dump instanceof RespValue.Bulk payload) || !(pttl instanceof RespValue.Integer ttl)) {
            throw new ReplicationException("DUMP/PTTL of " + DumpReply.describe(key, db) + " on " + c.endpoint()
                    + " replied " + (dump instanceof RespValue.Error e ? "-" + e.message()
                            : pttl instanceof RespValue.Error e2 ? "-" + e2.message() : dump + ", " + pttl));
        }
        if (payload.bytes() == null || ttl.value() == -2) {
            return null;
        }
        if (ttl.value() < -2) {
            throw new ReplicationException("PTTL of " + DumpReply.describe(key, db) + " on " + c.endpoint() + " replied " + ttl.value());
        }
        DumpPayload p = DumpReply.parse(key, db, payload.bytes());
        return new Dumped(DumpReply.rawValue(key, db, p, ttl.value(), sentAt), p.rdbVersion());
    }

    /** One key's value as DUMP gave it, and the RDB version of its payload. */
    public record Dumped(RdbEvent.RawValue value, int rdbVersion) {
    }

    @Override
    public void close() throws IOException {
        closed = true;
        connection.close();
    }
}
