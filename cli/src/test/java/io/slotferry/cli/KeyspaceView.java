package io.slotferry.cli;

import static io.slotferry.fixture.Bulk.latin1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.ServerView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;

/**
 * Every key of some servers with its type, value and TTL ({@link ServerView}), to compare a migration's
 * sources with its target. For test data sizes only (everything in memory). Keys are ISO-8859-1 text.
 */
final class KeyspaceView {
    /**
     * One key: its type and value as {@link ServerView#comparable} reads them (without a stream group's
     * entries_read, which replication does not carry on Redis 7.0), and when it expires (epoch ms, -1 for
     * none): absolute, so a source and a target read seconds apart compare.
     */
    record Entry(JsonNode value, long expiresAt) {
    }

    private KeyspaceView() {
    }

    /**
     * Every key of {@code servers}. Expiries are the sources': on a target that a run holds them past the
     * sources' ({@code slotferry:ttl-grace}, docs/replay.md "Expiries"), the grace is taken off.
     */
    static Map<String, Entry> of(List<Jedis> servers) {
        Map<String, Entry> out = new TreeMap<>();
        long grace = 0;
        for (Jedis j : servers) {
            for (byte[] k : ServerView.keys(j)) {
                String key = latin1(k);
                if (key.equals("slotferry:ttl-grace")) {
                    grace = Long.parseLong(j.get(key));
                }
                if (key.startsWith("slotferry:")) {
                    continue; // the migrator's own keys (applied marks, emulation journals): no source's keys
                }
                Entry e = read(j, k);
                if (e != null) {
                    out.put(key, e);
                }
            }
        }
        if (grace > 0) {
            long g = grace;
            out.replaceAll((k, e) -> e.expiresAt() < 0 ? e : new Entry(e.value(), e.expiresAt() - g));
        }
        return out;
    }

    /** Every key of the cluster's primaries (connections opened and closed here). */
    static Map<String, Entry> ofCluster(RedisClusterFixture cluster) {
        List<Jedis> masters = new ArrayList<>();
        for (ClusterNode m : cluster.masters()) {
            masters.add(cluster.jedis(m));
        }
        return ofClosing(masters);
    }

    /** Every key of {@code servers}, closing their connections afterwards. */
    static Map<String, Entry> ofClosing(List<Jedis> servers) {
        try {
            return of(servers);
        } finally {
            servers.forEach(Jedis::close);
        }
    }

    /**
     * Every key of databases 0 to {@code databases - 1} of one server, named as {@code --db-map prefix}
     * names them on a cluster (key k of database N > 0 becomes N:k).
     */
    static Map<String, Entry> ofDatabases(Jedis server, int databases) {
        Map<String, Entry> out = new TreeMap<>();
        for (int db = 0; db < databases; db++) {
            server.select(db);
            String prefix = db == 0 ? "" : db + ":";
            of(List.of(server)).forEach((k, v) -> out.put(prefix + k, v));
        }
        server.select(0);
        return out;
    }

    private static Entry read(Jedis j, byte[] key) {
        ObjectNode view = ServerView.comparable(j, key);
        if (view == null) {
            return null; // expired or deleted between SCAN and TYPE
        }
        JsonNode expireAt = view.remove("expire_ms");
        if (view.get("type").asText().equals("stream")) {
            // Not compared: a group's entries_read. Redis 7.0 replicates XREADGROUP as XCLAIM ... LASTID without it
            // (replication-transcripts README, "Quirks found"), so no replica, the migrator included, has the source's.
            view.get("value").get("groups").forEach(g -> ((ObjectNode) g).remove("entries_read"));
        }
        return new Entry(view, expireAt.isNull() ? -1 : expireAt.asLong());
    }

    /** Differences of {@code actual} from {@code expected} (expiry times within {@code ttlToleranceMs}); empty when equal. */
    static List<String> differences(Map<String, Entry> expected, Map<String, Entry> actual, long ttlToleranceMs) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : expected.entrySet()) {
            Entry a = actual.get(e.getKey());
            if (a == null) {
                out.add("missing " + e.getKey());
            } else if (!sameValue(e.getValue().value(), a.value())) {
                out.add("value of " + e.getKey() + ": expected " + e.getValue().value() + ", found " + a.value());
            } else if ((a.expiresAt() < 0) != (e.getValue().expiresAt() < 0)
                    || Math.abs(a.expiresAt() - e.getValue().expiresAt()) > ttlToleranceMs) {
                out.add("expiry of " + e.getKey() + ": expected " + e.getValue().expiresAt() + ", found " + a.expiresAt());
            }
        }
        for (String k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                out.add("extra " + k);
            }
        }
        return out;
    }

    /**
     * Equal type and value. A stream compares every field both servers report: a server before 7.0 does not
     * report first id, max deleted id, entries added and entries read, which a 7.0 target then has on its own.
     */
    private static boolean sameValue(JsonNode expected, JsonNode actual) {
        return ServerView.matches(expected, actual, expected.get("type").asText().equals("stream"));
    }
}
