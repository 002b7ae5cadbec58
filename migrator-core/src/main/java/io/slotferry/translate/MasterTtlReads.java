package io.slotferry.translate;

import io.slotferry.resp.Ascii;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.source.Info;
import io.slotferry.write.RateLimit;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives a stream command back what its source's replication dropped ({@link LossyReplication}): for a
 * {@code SET key number} from a source before 6.0, which may be an INCRBYFLOAT that kept its TTL on the
 * master, the master is asked {@code PTTL key} and the SET is sent as {@code SET key value PXAT
 * <now + pttl>}; a key without TTL (or gone) on the master keeps the plain SET.
 *
 * <p>The master is read after the stream position of the SET; docs/replay.md ("Lossy replication") argues
 * why the target still converges to the master. One connection of its own, opened at the first candidate
 * (a run whose stream has none never connects), at most {@code maxOps} PTTLs per second; when the source
 * given is a replica, its master (INFO replication) is asked. Single-threaded, like the replayer.
 */
public final class MasterTtlReads implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MasterTtlReads.class.getName());
    /** PTTLs per second at most, on the source's master. */
    public static final long MAX_OPS = 10_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final RedisEndpoint source;
    private final Duration timeout;
    private final RateLimit limit;
    private LossyReplication rules;
    private RedisEndpoint master;
    private RedisConnection connection;
    private int db = -1;
    private long asked;
    private long restored;

    private MasterTtlReads(RedisEndpoint source, RedisEndpoint master, LossyReplication rules, Duration timeout, long maxOps) {
        this.source = source;
        this.master = master;
        this.rules = rules;
        this.timeout = timeout;
        this.limit = new RateLimit(maxOps, 0);
    }

    /**
     * Reads of the master of {@code source} (itself, or its master when it is a replica); its version is
     * asked at first use. At most {@link #MAX_OPS} PTTLs per second.
     */
    public static MasterTtlReads ofSource(RedisEndpoint source) {
        return new MasterTtlReads(source, null, null, TIMEOUT, MAX_OPS);
    }

    /** Reads of {@code master}, whose stream is that of a server of {@code version} (tests: a fake master's capture). */
    public static MasterTtlReads of(RedisEndpoint master, String version) {
        return new MasterTtlReads(master, master, LossyReplication.of(version), TIMEOUT, MAX_OPS);
    }

    /** {@code c}'s arguments, with the master's TTL added when the stream may have dropped it; else {@code c.argv()} itself. */
    public List<byte[]> argv(ReplicationEvent.Command c) throws IOException, InterruptedException {
        List<byte[]> argv = c.argv();
        if (argv.size() != 3 || !LossyReplication.decimal(argv.get(2)) || !Ascii.upper(argv.get(0)).equals("SET")) {
            return argv;
        }
        if (rules == null) {
            try {
                resolve();
            } catch (IOException e) {
                // Without INFO the version is unknown: the run goes on as for a source that replicates faithfully.
                rules = LossyReplication.of("0");
                LOG.log(Level.WARNING, "cannot read INFO from the source {0} ({1}): if it is older than Redis 6.0, TTLs its"
                        + " replication drops (INCRBYFLOAT) are not read back from its master", new Object[] {source, e.getMessage()});
            }
        }
        if (!rules.ttlMayBeLost(argv)) {
            return argv;
        }
        long pttl = pttl(c.db(), argv.get(1));
        asked++;
        if (pttl <= 0) {
            return argv; // no TTL on the master (the SET removed it there too), or the key is gone: DEL follows
        }
        restored++;
        long at = System.currentTimeMillis() + pttl;
        return List.of(argv.get(0), argv.get(1), argv.get(2), Ascii.bytes("PXAT"), Ascii.number(at));
    }

    /** PTTLs asked so far. */
    public long asked() {
        return asked;
    }

    /** SETs that got the master's TTL back. */
    public long restored() {
        return restored;
    }

    private long pttl(int database, byte[] key) throws IOException, InterruptedException {
        limit.acquire(0);
        IOException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                RedisConnection c = connection();
                if (database != db) {
                    RespValue r = c.call("SELECT", Integer.toString(database));
                    if (r instanceof RespValue.Error e) {
                        throw new IOException("SELECT " + database + " on the master " + master + ": " + e.message());
                    }
                    db = database;
                }
                RespValue r = c.call(List.of(Ascii.bytes("PTTL"), key));
                if (r instanceof RespValue.Integer n) {
                    return n.value();
                }
                throw new IOException("PTTL on the master " + master + " answered " + r
                        + " (the source user needs +pttl, in @read)");
            } catch (IOException e) {
                last = e;
                dropConnection();
                if (source != master && attempt == 0) {
                    master = null; // a failover may have moved the master: ask the source again
                }
            }
        }
        throw last;
    }

    private RedisConnection connection() throws IOException {
        if (connection == null) {
            if (master == null) {
                resolve();
            }
            connection = RedisConnection.open(master, timeout);
            db = -1;
        }
        return connection;
    }

    /** The source's version and its master, from INFO (both, or neither when a read fails). */
    private void resolve() throws IOException {
        try (RedisConnection c = RedisConnection.open(source, timeout)) {
            Map<String, String> server = Info.read(c, "server");
            Map<String, String> replication = Info.read(c, "replication");
            if ("slave".equals(replication.get("role")) && replication.containsKey("master_host")) {
                master = source.at(replication.get("master_host"), (int) Info.number(replication, "master_port", source.port()));
            } else {
                master = source;
            }
            rules = LossyReplication.of(server.getOrDefault("redis_version", "0"));
        }
    }

    private void dropConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        dropConnection();
    }
}
