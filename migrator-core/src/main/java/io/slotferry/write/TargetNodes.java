package io.slotferry.write;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.resp.RespWriter;
import io.slotferry.routing.ClusterTopology;
import io.slotferry.routing.SlotTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Synchronous, one-command-at-a-time connections to the target's primaries, for the few operations
 * the pipelined {@link ClusterWriter} cannot do: reads that a cross-slot emulation needs (DUMP,
 * PEXPIRETIME), SCAN walks for FLUSH and SWAPDB, and commands every primary must run (FUNCTION LOAD).
 * The replayer uses them only while its writer is drained, so what they read is what the stream
 * wrote. A {@code MOVED} refreshes the slot table and retries; an {@code ASK} is followed once;
 * the faults that pass ({@code TRYAGAIN}, {@code CLUSTERDOWN}, {@code LOADING}, ...: what
 * {@link Replies#ofError} calls transient, as for the pipelined writer) are retried for a while, a
 * {@code READONLY} after reading the slot table again.
 */
public final class TargetNodes implements AutoCloseable {
    private static final int MAX_REDIRECTS = 16;
    private static final int MAX_RETRIES = 100;
    private static final byte[] ASKING = "ASKING".getBytes(StandardCharsets.US_ASCII);

    private final RedisEndpoint seed;
    private final boolean clusterMode;
    private final NodePool connections;
    private SlotTable table;

    private TargetNodes(RedisEndpoint seed, boolean clusterMode, SlotTable table, Duration connectTimeout) {
        this.seed = seed;
        this.clusterMode = clusterMode;
        this.table = table;
        this.connections = new NodePool(connectTimeout);
    }

    /** Connects to {@code seed} and reads the slot table (or treats a standalone server as owning every slot). */
    public static TargetNodes open(RedisEndpoint seed, Duration connectTimeout) throws IOException {
        try (RedisConnection c = RedisConnection.open(seed, connectTimeout)) {
            boolean cluster = ClusterWriter.clusterEnabled(c);
            return new TargetNodes(seed, cluster, cluster ? ClusterTopology.discover(c) : SlotTable.single(seed), connectTimeout);
        }
    }

    /** The latest slot table (replaced whole on a {@code MOVED}), for callers that pipeline per primary. */
    public SlotTable slots() {
        return table;
    }

    /** The primaries, as the latest slot table has them. */
    public List<RedisEndpoint> primaries() {
        return table.primaries();
    }

    /**
     * Runs {@code argv} on the primary of {@code slot}, following redirects. Data errors come back as
     * {@link RespValue.Error} for the caller to judge; only faults that do not pass are thrown.
     */
    public RespValue call(int slot, List<byte[]> argv) throws IOException, InterruptedException {
        RedisEndpoint node = table.primaryOf(slot);
        boolean asking = false;
        int retries = 0;
        for (int redirects = 0; redirects <= MAX_REDIRECTS; ) {
            RedisConnection c = connection(node);
            RespValue reply;
            try {
                if (asking) {
                    c.call(List.of(ASKING));
                }
                reply = c.call(argv);
            } catch (IOException e) {
                drop(node);
                if (++retries > MAX_RETRIES) {
                    throw e;
                }
                Thread.sleep(100);
                refresh();
                node = table.primaryOf(slot);
                continue;
            }
            asking = false;
            if (!(reply instanceof RespValue.Error err)) {
                return reply;
            }
            String m = err.message();
            // EXECABORT, transient for a pipelined transaction (sent again whole), is an answer to one command
            Outcome o = m.startsWith("EXECABORT") ? null : Replies.ofError(m);
            if (o instanceof Outcome.Moved moved) {
                node = seed.at(moved.host().isEmpty() ? node.host() : moved.host(), moved.port());
                refresh();
                redirects++;
            } else if (o instanceof Outcome.Ask ask) {
                node = seed.at(ask.host().isEmpty() ? node.host() : ask.host(), ask.port());
                asking = true;
                redirects++;
            } else if (o instanceof Outcome.Transient) {
                if (++retries > MAX_RETRIES) {
                    throw new WriteException("target keeps answering " + m + " to " + name(argv));
                }
                Thread.sleep(100);
                if (m.startsWith("READONLY")) {
                    refresh(); // a replica now (failover): the slot's new primary
                    node = table.primaryOf(slot);
                }
            } else if (o instanceof Outcome.Fatal && Redirect.is(m)) {
                throw new WriteException("cannot follow the redirect '" + m + "' for " + name(argv));
            } else {
                return reply;
            }
        }
        throw new WriteException("more than " + MAX_REDIRECTS + " redirects for " + name(argv));
    }

    /** Runs {@code argv} on one given primary (SCAN, FUNCTION LOAD); redirects do not apply. */
    public RespValue callOn(RedisEndpoint node, List<byte[]> argv) throws IOException {
        try {
            return connection(node).call(argv);
        } catch (IOException e) {
            drop(node);
            throw e;
        }
    }

    /**
     * Sends {@code commands} to one primary in one pipeline and returns their replies in order
     * (redirects are not followed: callers send keys of the slots {@link #slots()} gives that node).
     */
    public List<RespValue> pipeline(RedisEndpoint node, List<List<byte[]>> commands) throws IOException {
        List<byte[]> encoded = new ArrayList<>(commands.size());
        for (List<byte[]> argv : commands) {
            byte[] buf = new byte[Math.toIntExact(RespWriter.encodedLength(argv))];
            RespWriter.encode(argv, buf, 0);
            encoded.add(buf);
        }
        RedisConnection c = connection(node);
        try {
            c.sendAll(encoded);
            List<RespValue> replies = new ArrayList<>(commands.size());
            for (int i = 0; i < commands.size(); i++) {
                replies.add(c.reader().read());
            }
            return replies;
        } catch (IOException e) {
            drop(node);
            throw e;
        }
    }

    private RedisConnection connection(RedisEndpoint node) throws IOException {
        return connections.connection(node);
    }

    private void drop(RedisEndpoint node) {
        connections.drop(node);
    }

    /** Reads the slot table again (after a failover: a node that answered READONLY is no primary any more). */
    public void refreshSlots() {
        refresh();
    }

    private void refresh() {
        if (!clusterMode) {
            return;
        }
        for (RedisEndpoint p : table.primaries()) {
            try {
                table = ClusterTopology.discover(connection(p));
                return;
            } catch (IOException e) {
                drop(p);
            }
        }
    }

    private static String name(List<byte[]> argv) {
        return new String(argv.get(0), StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        connections.close();
    }
}
