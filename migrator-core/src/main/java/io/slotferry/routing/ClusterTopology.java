package io.slotferry.routing;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a cluster's slot map from any node: {@code CLUSTER SHARDS} (Redis 7.0+, Valkey), falling back
 * to {@code CLUSTER SLOTS} on older servers. Node addresses inherit the seed's TLS and credentials,
 * as every node of an ElastiCache cluster shares them. A TLS connection uses a node's {@code tls-port}.
 */
public final class ClusterTopology {
    private ClusterTopology() {
    }

    /** The slot table as the node behind {@code seed} sees it. */
    public static SlotTable discover(RedisConnection seed) throws IOException {
        RespValue shards = seed.call("CLUSTER", "SHARDS");
        if (shards instanceof RespValue.Array a) {
            return fromShards(seed.endpoint(), a);
        }
        RespValue slots = seed.call("CLUSTER", "SLOTS");
        if (slots instanceof RespValue.Array a) {
            return fromSlots(seed.endpoint(), a);
        }
        throw new TopologyException(seed.endpoint() + " answered neither CLUSTER SHARDS nor CLUSTER SLOTS: " + slots
                + " (is cluster mode enabled on the target?)");
    }

    /** {@code CLUSTER SLOTS}: [[start, end, [ip, port, id, ...] primary, replicas...], ...]. */
    static SlotTable fromSlots(RedisEndpoint seed, RespValue.Array reply) throws TopologyException {
        Map<String, Integer> index = new LinkedHashMap<>();
        List<RedisEndpoint> primaries = new ArrayList<>();
        List<int[]> ranges = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (RespValue entry : reply.items()) {
            List<RespValue> e = items(entry, "a CLUSTER SLOTS entry");
            int start = (int) integer(e.get(0));
            int end = (int) integer(e.get(1));
            List<RespValue> node = items(e.get(2), "a CLUSTER SLOTS node");
            String host = text(node.get(0));
            if (host.isEmpty() || host.equals("?")) {
                host = seed.host(); // "" means: the address you reached me at
            }
            int port = (int) integer(node.get(1));
            ranges.add(new int[] {start, end});
            owners.add(indexOf(seed, host, port, index, primaries));
        }
        return SlotTable.of(primaries, ranges, owners);
    }

    /** {@code CLUSTER SHARDS}: [[slots, [s, e, ...], nodes, [[id, .., port, .., tls-port, .., role, ..], ...]], ...]. */
    static SlotTable fromShards(RedisEndpoint seed, RespValue.Array reply) throws TopologyException {
        Map<String, Integer> index = new LinkedHashMap<>();
        List<RedisEndpoint> primaries = new ArrayList<>();
        List<int[]> ranges = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (RespValue shardValue : reply.items()) {
            Map<String, RespValue> shard = map(shardValue);
            List<RespValue> slots = items(shard.get("slots"), "the slots of a shard");
            Integer primary = null;
            for (RespValue nodeValue : items(shard.get("nodes"), "the nodes of a shard")) {
                Map<String, RespValue> node = map(nodeValue);
                if (!"master".equals(text(node.get("role"))) || !"online".equals(text(node.getOrDefault("health",
                        new RespValue.Bulk("online".getBytes(StandardCharsets.US_ASCII)))))) {
                    continue;
                }
                String host = node.containsKey("endpoint") ? text(node.get("endpoint")) : text(node.get("ip"));
                if (host.isEmpty() || host.equals("?")) {
                    host = text(node.get("ip"));
                }
                RespValue port = seed.tls() != null && node.containsKey("tls-port") ? node.get("tls-port") : node.get("port");
                if (port == null) {
                    throw new TopologyException("a shard's primary has no " + (seed.tls() != null ? "tls-port" : "port"));
                }
                primary = indexOf(seed, host, (int) integer(port), index, primaries);
            }
            if (slots.isEmpty()) {
                continue;
            }
            if (primary == null) {
                throw new TopologyException("a shard serving slots has no online primary");
            }
            for (int i = 0; i + 1 < slots.size(); i += 2) {
                ranges.add(new int[] {(int) integer(slots.get(i)), (int) integer(slots.get(i + 1))});
                owners.add(primary);
            }
        }
        return SlotTable.of(primaries, ranges, owners);
    }

    private static int indexOf(RedisEndpoint seed, String host, int port, Map<String, Integer> index, List<RedisEndpoint> primaries) {
        return index.computeIfAbsent(host + ":" + port, k -> {
            primaries.add(seed.at(host, port));
            return primaries.size() - 1;
        });
    }

    private static Map<String, RespValue> map(RespValue v) throws TopologyException {
        List<RespValue> flat = items(v, "a map");
        Map<String, RespValue> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            m.put(text(flat.get(i)), flat.get(i + 1));
        }
        return m;
    }

    private static List<RespValue> items(RespValue v, String what) throws TopologyException {
        if (v instanceof RespValue.Array a && a.items() != null) {
            return a.items();
        }
        throw new TopologyException("expected " + what + " (an array), got " + v);
    }

    private static long integer(RespValue v) throws TopologyException {
        if (v instanceof RespValue.Integer i) {
            return i.value();
        }
        throw new TopologyException("expected an integer, got " + v);
    }

    private static String text(RespValue v) throws TopologyException {
        if (v instanceof RespValue.Bulk b && b.bytes() != null) {
            return new String(b.bytes(), StandardCharsets.UTF_8);
        }
        if (v instanceof RespValue.SimpleString s) {
            return s.text();
        }
        throw new TopologyException("expected a string, got " + v);
    }
}
