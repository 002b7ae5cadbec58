package io.slotferry.write;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One connection per target node, opened on first use and replaced after a fault: the pool of the
 * synchronous target clients ({@link TargetNodes}, the verifier's pipelined reads). Not thread-safe:
 * one pool per thread.
 */
public final class NodePool implements AutoCloseable {
    private final Duration connectTimeout;
    private final Map<String, RedisConnection> connections = new HashMap<>();

    public NodePool(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /** The connection to {@code node}, opened now if there is none. */
    public RedisConnection connection(RedisEndpoint node) throws IOException {
        String id = node.host() + ":" + node.port();
        RedisConnection c = connections.get(id);
        if (c == null) {
            c = RedisConnection.open(node, connectTimeout);
            connections.put(id, c);
        }
        return c;
    }

    /** Closes and forgets the connection to {@code node} (after a fault): the next use opens a new one. */
    public void drop(RedisEndpoint node) {
        RedisConnection c = connections.remove(node.host() + ":" + node.port());
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // the connection is already broken; a new one replaces it
            }
        }
    }

    @Override
    public void close() {
        for (RedisConnection c : connections.values()) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing: nothing left to do with it
            }
        }
        connections.clear();
    }
}
