package io.slotferry.replication.scan;

import io.slotferry.rdb.DumpPayload;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.replication.ReplicationException;
import io.slotferry.replication.ReplicationId;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.replication.SourceStream;
import io.slotferry.resp.RespProtocolException;
import io.slotferry.resp.RespValue;
import io.slotferry.resp.RespWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A snapshot taken with {@code SCAN} + {@code DUMP} + {@code PTTL}, for sources that refuse
 * {@code SYNC}/{@code PSYNC} (managed services such as ElastiCache, MemoryStore, Azure Cache).
 *
 * <h2>What it does</h2>
 * For each database of {@link ScanOptions#databases()} (default: every one {@code INFO keyspace}
 * lists), {@code SELECT db}, then {@code SCAN cursor COUNT n} until the cursor is 0. For the keys
 * of each SCAN reply, {@code DUMP key} and {@code PTTL key} for all of them are sent in one write
 * and their replies read back as the consumer pulls: one round trip per batch, and only one value
 * in this process's memory at a time (the server buffers the batch's replies, which is what
 * {@link ScanOptions#count()} bounds).
 *
 * <h2>Events</h2>
 * The same shape as an RDB file in raw mode, so the loader does not care where a snapshot came from:
 * <ol>
 *   <li>{@link ReplicationEvent.SnapshotBegin} with {@link ReplicationId#NONE}, offset -1 and the
 *       RDB version read from the first DUMP payload's trailer (0 when the source has no key at all:
 *       there is then no payload to restore);</li>
 *   <li>{@code SnapshotData(SelectDb(db))} before the first key of each database;</li>
 *   <li>per key {@code SnapshotData(RawValue(KeyHeader(db, key, expireAtMs, -1, -1, type, -1), value,
 *       -1, value.length))}: {@code value} is the DUMP payload without its type byte and 10-byte
 *       trailer, so type + value + version + CRC-64 rebuilds the payload for {@code RESTORE};</li>
 *   <li>{@link ReplicationEvent.SnapshotEnd} with {@link ReplicationId#NONE} and -1, then null.</li>
 * </ol>
 * There are no {@code Header}, {@code Aux} or {@code End} data events: nothing was read from a file.
 * {@code expireAtMs} is the local clock when the batch was sent plus {@code PTTL}, so it is never
 * later than the source's expiry (at most one round trip earlier), or -1 without a TTL.
 *
 * <h2>Not an exact snapshot</h2>
 * SCAN walks a live keyspace without a point in time. Keys created, deleted or renamed during the
 * walk may be missed or delivered; a key can be delivered twice when the server resizes its table
 * mid-walk; the value of one key and that of another are read at different moments; a TTL changed
 * between a key's DUMP and PTTL pairs the old value with the new TTL. TTLs are relative at read time
 * and turned into absolute times with the local clock. A key that vanishes between SCAN and DUMP
 * (DUMP nil or PTTL -2, e.g. it expired) is skipped and counted in {@link #skippedVanished()}. Use
 * it when the source offers no replication (or for a one-off copy of data that is not written
 * during the walk), and stop writers, or reconcile afterwards, when exactness matters.
 *
 * <h2>Errors</h2>
 * Every payload's CRC-64 is checked; a mismatch, a truncated payload or an unknown type byte is a
 * {@link DumpPayloadException} naming the key and database. An error reply to SELECT, SCAN, DUMP,
 * PTTL or INFO (e.g. {@code NOPERM}) is a {@link ReplicationException}. After any exception the
 * source is finished; {@link #next()} repeats the failure. Not thread-safe: one consumer pulls; the
 * counters may be read from any thread.
 */
public final class ScanSource implements SourceStream {
    private static final byte[] SCAN = "SCAN".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COUNT = "COUNT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DUMP = "DUMP".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PTTL = "PTTL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CURSOR_START = "0".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern KEYSPACE_LINE = Pattern.compile("^db(\\d+):", Pattern.MULTILINE);

    private final RedisConnection connection;
    private final ScanOptions options;
    private final KeyPacer pacer;
    private final ArrayDeque<ReplicationEvent> ready = new ArrayDeque<>();

    private boolean started;
    private boolean finished;
    private boolean closed;
    private Exception failure;

    private List<Integer> databases;
    private int dbIndex = -1;
    private int db = -1;
    private int announcedDb = -1;
    private byte[] cursor = CURSOR_START;
    private boolean dbDone = true;
    private List<byte[]> batch = List.of();
    private int batchIndex;
    private long batchSentAtMs;
    private int rdbVersion = -1;

    private volatile long keys;
    private volatile long skippedVanished;

    private ScanSource(RedisConnection connection, ScanOptions options) {
        this.connection = connection;
        this.options = options;
        this.pacer = new KeyPacer(options.maxKeysPerSecond());
    }

    /**
     * Connects (TLS and AUTH as the endpoint says) and prepares a walk; nothing is read until the
     * first {@link #next()}.
     */
    public static ScanSource open(RedisEndpoint endpoint, ScanOptions options) throws IOException {
        RedisConnection c = RedisConnection.open(endpoint, options.connectTimeout());
        try {
            c.readTimeout(options.readTimeout());
            return new ScanSource(c, options);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Keys delivered so far. */
    public long keys() {
        return keys;
    }

    /** Keys SCAN returned that were gone by the time of their DUMP or PTTL, so not delivered. */
    public long skippedVanished() {
        return skippedVanished;
    }

    /** The databases walked, in order; null before the first {@link #next()}. */
    public List<Integer> databases() {
        return databases;
    }

    @Override
    public ReplicationEvent next() throws IOException, InterruptedException {
        if (closed) {
            throw new IllegalStateException("the SCAN source of " + connection.endpoint() + " is closed");
        }
        if (failure != null) {
            throw new ReplicationException("the SCAN of " + connection.endpoint() + " failed earlier: "
                    + failure.getMessage(), failure);
        }
        if (!ready.isEmpty()) {
            return ready.poll();
        }
        if (finished) {
            return null;
        }
        try {
            return advance();
        } catch (IOException | InterruptedException | RuntimeException e) {
            // The connection may hold unread replies of the batch: it cannot be used again.
            failure = e;
            throw e;
        }
    }

    private ReplicationEvent advance() throws IOException, InterruptedException {
        if (!started) {
            started = true;
            databases = resolveDatabases();
            // The RDB version is only known from a payload, so the first key is fetched before Begin.
            if (!walkToNextKey()) {
                finished = true;
                ready.add(new ReplicationEvent.SnapshotEnd(ReplicationId.NONE, -1));
            }
            return new ReplicationEvent.SnapshotBegin(ReplicationId.NONE, -1, Math.max(rdbVersion, 0));
        }
        if (walkToNextKey()) {
            return ready.poll();
        }
        finished = true;
        return new ReplicationEvent.SnapshotEnd(ReplicationId.NONE, -1);
    }

    /** Fetches until one key is queued in {@link #ready} (true) or every database is walked (false). */
    private boolean walkToNextKey() throws IOException, InterruptedException {
        while (true) {
            if (batchIndex < batch.size()) {
                if (readKey(batch.get(batchIndex++))) {
                    return true;
                }
            } else if (!dbDone) {
                scanBatch();
            } else if (dbIndex + 1 < databases.size()) {
                dbIndex++;
                select(databases.get(dbIndex));
            } else {
                return false;
            }
        }
    }

    private List<Integer> resolveDatabases() throws IOException {
        if (!options.databases().isEmpty()) {
            return options.databases();
        }
        RespValue reply = connection.call("INFO", "keyspace");
        if (!(reply instanceof RespValue.Bulk b) || b.bytes() == null) {
            throw new ReplicationException("INFO keyspace on " + connection.endpoint() + " replied " + describe(reply)
                    + "; name the databases to walk explicitly");
        }
        TreeSet<Integer> found = new TreeSet<>();
        Matcher m = KEYSPACE_LINE.matcher(new String(b.bytes(), StandardCharsets.ISO_8859_1));
        while (m.find()) {
            found.add(Integer.parseInt(m.group(1)));
        }
        return List.copyOf(found);
    }

    private void select(int database) throws IOException {
        RespValue reply = connection.call("SELECT", Integer.toString(database));
        if (!(reply instanceof RespValue.SimpleString s) || !s.text().equals("OK")) {
            throw new ReplicationException("SELECT " + database + " on " + connection.endpoint() + " replied "
                    + describe(reply));
        }
        db = database;
        cursor = CURSOR_START;
        dbDone = false;
    }

    /** One SCAN step; sends the DUMP/PTTL pipeline for its keys (replies are read by readKey). */
    private void scanBatch() throws IOException, InterruptedException {
        byte[] count = Integer.toString(options.count()).getBytes(StandardCharsets.US_ASCII);
        RespValue reply = connection.call(List.of(SCAN, cursor, COUNT, count));
        if (!(reply instanceof RespValue.Array a) || a.items() == null || a.items().size() != 2
                || !(a.items().get(0) instanceof RespValue.Bulk next) || next.bytes() == null
                || !(a.items().get(1) instanceof RespValue.Array found) || found.items() == null) {
            if (reply instanceof RespValue.Error) {
                throw new ReplicationException("SCAN in db " + db + " on " + connection.endpoint() + " replied "
                        + describe(reply));
            }
            throw new RespProtocolException("SCAN in db " + db + " replied " + describe(reply)
                    + " instead of [cursor, [keys...]]");
        }
        cursor = next.bytes();
        dbDone = Arrays.equals(cursor, CURSOR_START);
        List<byte[]> scanned = new ArrayList<>(found.items().size());
        for (RespValue k : found.items()) {
            if (!(k instanceof RespValue.Bulk kb) || kb.bytes() == null) {
                throw new RespProtocolException("SCAN in db " + db + " returned a key that is " + describe(k));
            }
            scanned.add(kb.bytes());
        }
        if (scanned.isEmpty()) {
            return;
        }
        pacer.acquire(scanned.size());
        List<byte[]> commands = new ArrayList<>(2 * scanned.size());
        for (byte[] key : scanned) {
            commands.add(RespWriter.command(List.of(DUMP, key)));
            commands.add(RespWriter.command(List.of(PTTL, key)));
        }
        // Taken before sending: PTTL runs later on the server, so now + PTTL never overshoots.
        batchSentAtMs = System.currentTimeMillis();
        connection.sendAll(commands);
        batch = scanned;
        batchIndex = 0;
    }

    /** Reads one key's DUMP and PTTL replies; queues its events unless it vanished. */
    private boolean readKey(byte[] key) throws IOException {
        RespValue dump = connection.reader().read();
        RespValue pttl = connection.reader().read();
        if (!(dump instanceof RespValue.Bulk dumpReply)) {
            throw new ReplicationException("DUMP of " + DumpReply.describe(key, db) + " on " + connection.endpoint()
                    + " replied " + describe(dump));
        }
        if (!(pttl instanceof RespValue.Integer ttlReply)) {
            throw new ReplicationException("PTTL of " + DumpReply.describe(key, db) + " on " + connection.endpoint()
                    + " replied " + describe(pttl));
        }
        byte[] payload = dumpReply.bytes();
        long ttl = ttlReply.value();
        if (payload == null || ttl == -2) {
            skippedVanished++;
            return false;
        }
        if (ttl < -2) {
            throw new RespProtocolException("PTTL of " + DumpReply.describe(key, db) + " replied " + ttl);
        }
        DumpPayload p = DumpReply.parse(key, db, payload);
        if (rdbVersion == -1) {
            rdbVersion = p.rdbVersion();
        } else if (p.rdbVersion() != rdbVersion) {
            // Consumers rebuild payloads with the version announced in SnapshotBegin.
            throw new DumpPayloadException(key, "the DUMP of " + DumpReply.describe(key, db) + " has RDB version "
                    + p.rdbVersion() + " but earlier payloads had " + rdbVersion + " (was the source replaced?)");
        }
        if (announcedDb != db) {
            ready.add(new ReplicationEvent.SnapshotData(new RdbEvent.SelectDb(db)));
            announcedDb = db;
        }
        ready.add(new ReplicationEvent.SnapshotData(DumpReply.rawValue(key, db, p, ttl, batchSentAtMs)));
        keys++;
        return true;
    }

    /** A reply for a message, without its bulk payload (which may be a value). */
    private static String describe(RespValue v) {
        if (v instanceof RespValue.Error e) {
            return "-" + e.message();
        } else if (v instanceof RespValue.SimpleString s) {
            return "+" + s.text();
        } else if (v instanceof RespValue.Integer i) {
            return ":" + i.value();
        } else if (v instanceof RespValue.Bulk b) {
            return b.bytes() == null ? "a nil bulk string" : "a bulk string of " + b.bytes().length + " bytes";
        } else if (v instanceof RespValue.Array a) {
            return a.items() == null ? "a nil array" : "an array of " + a.items().size() + " items";
        }
        return String.valueOf(v);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        connection.close();
    }

    @Override
    public String toString() {
        return "ScanSource[" + connection.endpoint() + "]";
    }
}
