package io.slotferry.source;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Who a Redis server is, whatever name reached it: its {@code run_id} (one per process) and its
 * replication id ({@code master_replid}, shared by a master and its replicas, Redis 4.0+), with its
 * role and master's address as {@code INFO} tells them.
 *
 * @param name    the name it was reached by (a source's name, or {@code target HOST:PORT})
 * @param address the endpoint, for messages
 * @param runId   {@code run_id}, never null
 * @param replid  {@code master_replid}, or null before Redis 4.0 or while it is all zeros
 * @param master  {@code master_host:master_port} for a replica, else null
 */
public record InstanceIdentity(String name, String address, String runId, String replid, String master) {
    private static final String NO_REPLID = "0000000000000000000000000000000000000000";

    /** Asks {@code INFO server} and {@code INFO replication} of {@code endpoint}. */
    public static InstanceIdentity read(String name, RedisEndpoint endpoint, Duration timeout) throws IOException {
        try (RedisConnection c = RedisConnection.open(endpoint, timeout)) {
            return read(name, c);
        }
    }

    /** The same on an open connection. */
    public static InstanceIdentity read(String name, RedisConnection c) throws IOException {
        RedisEndpoint endpoint = c.endpoint();
        Map<String, String> server = Info.read(c, "server");
        Map<String, String> replication = Info.read(c, "replication");
        String runId = server.getOrDefault("run_id", "");
        if (runId.isEmpty()) {
            throw new IOException(endpoint + ": INFO server has no run_id");
        }
        String replid = replication.get("master_replid");
        String master = "slave".equals(replication.get("role")) && replication.containsKey("master_host")
                ? replication.get("master_host") + ":" + replication.get("master_port") : null;
        return new InstanceIdentity(name, endpoint.toString(), runId, replid == null || replid.equals(NO_REPLID) ? null : replid,
                master);
    }

    /** Whether this and {@code other} are one process. */
    public boolean sameProcess(InstanceIdentity other) {
        return runId.equals(other.runId);
    }

    /** Whether this and {@code other} share a replication history: one replicates the other, or both one master. */
    public boolean sameData(InstanceIdentity other) {
        return replid != null && replid.equals(other.replid);
    }
}
