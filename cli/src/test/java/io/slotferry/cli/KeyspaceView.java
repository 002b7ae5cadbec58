package io.slotferry.cli;

import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RedisClusterFixture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamConsumersInfo;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamInfo;
import redis.clients.jedis.resps.StreamPendingEntry;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * Every key of some servers with its type, value and TTL, read with plain commands, to compare a
 * migration's sources with its target. For test data sizes only (everything in memory).
 */
final class KeyspaceView {
    /**
     * One key: a canonical text of its value, and when it expires (epoch ms, from PTTL and the time
     * it was read; -1 for none): absolute, so a source and a target read seconds apart compare.
     */
    record Entry(String value, long expiresAt) {
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
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.scan(cursor, new ScanParams().count(1000));
                for (String key : page.getResult()) {
                    if (key.equals("slotferry:ttl-grace")) {
                        grace = Long.parseLong(j.get(key));
                    }
                    if (key.startsWith("slotferry:")) {
                        continue; // the migrator's own keys (applied marks, emulation journals): no source's keys
                    }
                    Entry e = read(j, key);
                    if (e != null) {
                        out.put(key, e);
                    }
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
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

    private static Entry read(Jedis j, String key) {
        String type = j.type(key);
        String value;
        switch (type) {
            case "string": {
                byte[] bytes = j.get(key.getBytes(StandardCharsets.UTF_8));
                if (bytes == null) {
                    return null;
                }
                if (bytes.length >= 4 && bytes[0] == 'H' && bytes[1] == 'Y' && bytes[2] == 'L' && bytes[3] == 'L') {
                    // a HyperLogLog: its bytes carry a cached count that a PFCOUNT on one side may have refreshed
                    value = "hll " + j.pfcount(key);
                } else {
                    value = "string " + new String(bytes, StandardCharsets.ISO_8859_1);
                }
                break;
            }
            case "hash":
                value = "hash " + new TreeMap<>(j.hgetAll(key));
                break;
            case "list":
                value = "list " + j.lrange(key, 0, -1);
                break;
            case "set":
                value = "set " + new TreeSet<>(j.smembers(key));
                break;
            case "zset": {
                List<String> z = new ArrayList<>();
                for (Tuple t : j.zrangeWithScores(key, 0, -1)) {
                    z.add(t.getElement() + "=" + t.getScore());
                }
                value = "zset " + z;
                break;
            }
            case "stream":
                value = "stream " + stream(j, key);
                break;
            case "none":
                return null; // expired or deleted between SCAN and TYPE
            default:
                value = type + " " + j.dump(key).length;
        }
        long pttl = j.pttl(key);
        return new Entry(value, pttl < 0 ? -1 : System.currentTimeMillis() + pttl);
    }

    /** A stream's entries, last id and length, and its groups: last delivered id, pending entries and consumers. */
    private static String stream(Jedis j, String key) {
        StringBuilder out = new StringBuilder();
        for (StreamEntry e : j.xrange(key, (StreamEntryID) null, (StreamEntryID) null)) {
            out.append(e.getID()).append(new TreeMap<>(e.getFields())).append(' ');
        }
        StreamInfo info = j.xinfoStream(key);
        out.append("last=").append(info.getLastGeneratedId()).append(" length=").append(info.getLength());
        for (StreamGroupInfo g : j.xinfoGroups(key)) {
            out.append(" group ").append(g.getName()).append(" last=").append(g.getLastDeliveredId()).append(" pending=");
            List<String> pending = new ArrayList<>();
            for (StreamPendingEntry p : j.xpending(key, g.getName(), XPendingParams.xPendingParams().count(1000))) {
                pending.add(p.getID() + "@" + p.getConsumerName() + "x" + p.getDeliveredTimes());
            }
            out.append(pending);
            TreeSet<String> consumers = new TreeSet<>();
            for (StreamConsumersInfo c : j.xinfoConsumers(key, g.getName())) {
                consumers.add(c.getName());
            }
            out.append(" consumers=").append(consumers);
        }
        return out.toString();
    }

    /** Differences of {@code actual} from {@code expected} (expiry times within {@code ttlToleranceMs}); empty when equal. */
    static List<String> differences(Map<String, Entry> expected, Map<String, Entry> actual, long ttlToleranceMs) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : expected.entrySet()) {
            Entry a = actual.get(e.getKey());
            if (a == null) {
                out.add("missing " + e.getKey());
            } else if (!a.value().equals(e.getValue().value())) {
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
}
