package io.slotferry.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
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

    static Map<String, Entry> of(List<Jedis> servers) {
        Map<String, Entry> out = new TreeMap<>();
        for (Jedis j : servers) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.scan(cursor, new ScanParams().count(1000));
                for (String key : page.getResult()) {
                    if (key.startsWith("slotferry:applied:")) {
                        continue; // the migrator's applied marks (exactly-once after a crash), no source's keys
                    }
                    Entry e = read(j, key);
                    if (e != null) {
                        out.put(key, e);
                    }
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return out;
    }

    private static Entry read(Jedis j, String key) {
        String type = j.type(key);
        String value;
        switch (type) {
            case "string":
                value = "string " + j.get(key);
                break;
            case "hash":
                value = "hash " + new TreeMap<>(j.hgetAll(key));
                break;
            case "list":
                value = "list " + j.lrange(key, 0, -1);
                break;
            case "set":
                value = "set " + new java.util.TreeSet<>(j.smembers(key));
                break;
            case "zset": {
                List<String> z = new ArrayList<>();
                for (Tuple t : j.zrangeWithScores(key, 0, -1)) {
                    z.add(t.getElement() + "=" + t.getScore());
                }
                value = "zset " + z;
                break;
            }
            case "none":
                return null; // expired or deleted between SCAN and TYPE
            default:
                value = type + " " + j.dump(key).length;
        }
        long pttl = j.pttl(key);
        return new Entry(value, pttl < 0 ? -1 : System.currentTimeMillis() + pttl);
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
