package io.slotferry.verify;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.resp.RespWriter;
import io.slotferry.routing.HashSlot;
import io.slotferry.routing.SlotTable;
import io.slotferry.write.NodePool;
import io.slotferry.write.TargetNodes;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads on the target: pipelined per primary for the fast pass (a redirected key just comes back as an
 * error reply, and its key is compared again one command at a time), and through {@link TargetNodes},
 * which follows {@code MOVED}/{@code ASK} and retries, for everything else. One per thread.
 */
final class TargetReads implements AutoCloseable {
    private final TargetNodes nodes;
    private final NodePool pipes;

    private TargetReads(TargetNodes nodes, Duration timeout) {
        this.nodes = nodes;
        this.pipes = new NodePool(timeout);
    }

    static TargetReads open(RedisEndpoint target, Duration timeout) throws IOException {
        return new TargetReads(TargetNodes.open(target, timeout), timeout);
    }

    List<RedisEndpoint> primaries() {
        return nodes.primaries();
    }

    /** Where {@code key} is read, redirects followed. */
    KeyReads of(byte[] key) {
        return new Routed(nodes, HashSlot.of(key));
    }

    /**
     * The primary of one slot: {@link #call} follows redirects; {@link #pinned} runs on the primary the
     * slot table names and does not (a transaction must stay on one connection: a redirect aborts it).
     */
    record Routed(TargetNodes nodes, int slot) implements KeyReads {
        @Override
        public RespValue call(List<byte[]> argv) throws IOException, InterruptedException {
            return nodes.call(slot, argv);
        }

        RespValue pinned(List<byte[]> argv) throws IOException {
            return nodes.callOn(nodes.slots().primaryOf(slot), argv);
        }
    }

    /** A command on one given primary (SCAN). */
    RespValue callOn(RedisEndpoint primary, List<byte[]> argv) throws IOException {
        return nodes.callOn(primary, argv);
    }

    /**
     * Runs {@code commands.get(i)} for {@code keys.get(i)} on the primary the slot table names, pipelined
     * per primary; replies in the order of {@code commands}.
     */
    List<RespValue> pipeline(List<byte[]> keys, List<List<byte[]>> commands) throws IOException {
        SlotTable table = nodes.slots();
        List<RedisEndpoint> primaries = table.primaries();
        List<List<Integer>> byPrimary = new ArrayList<>();
        for (int p = 0; p < primaries.size(); p++) {
            byPrimary.add(new ArrayList<>());
        }
        for (int i = 0; i < commands.size(); i++) {
            byPrimary.get(table.primaryIndexOf(HashSlot.of(keys.get(i)))).add(i);
        }
        RespValue[] replies = new RespValue[commands.size()];
        // Send to every primary first, then read: the primaries work in parallel.
        RedisConnection[] sent = new RedisConnection[primaries.size()];
        for (int p = 0; p < primaries.size(); p++) {
            List<Integer> mine = byPrimary.get(p);
            if (mine.isEmpty()) {
                continue;
            }
            List<byte[]> encoded = new ArrayList<>(mine.size());
            for (int i : mine) {
                encoded.add(RespWriter.command(commands.get(i)));
            }
            try {
                RedisConnection c = pipe(primaries.get(p));
                c.sendAll(encoded);
                sent[p] = c;
            } catch (IOException e) {
                failed(primaries.get(p), mine, replies, e);
            }
        }
        for (int p = 0; p < primaries.size(); p++) {
            if (sent[p] == null) {
                continue;
            }
            List<Integer> mine = byPrimary.get(p);
            try {
                for (int i : mine) {
                    replies[i] = sent[p].reader().read();
                }
            } catch (IOException e) {
                failed(primaries.get(p), mine, replies, e);
            }
        }
        return List.of(replies);
    }

    /** A primary that failed mid-pipeline: its keys get an error reply and are compared again one by one. */
    private void failed(RedisEndpoint primary, List<Integer> mine, RespValue[] replies, IOException e) {
        drop(primary);
        for (int i : mine) {
            replies[i] = new RespValue.Error("IOERR " + e.getMessage());
        }
    }

    private RedisConnection pipe(RedisEndpoint node) throws IOException {
        return pipes.connection(node);
    }

    private void drop(RedisEndpoint node) {
        pipes.drop(node);
    }

    @Override
    public void close() {
        pipes.close();
        nodes.close();
    }
}
