package io.slotferry.verify;

import io.slotferry.resp.RespValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fast pass's whole-value read of a small key (at most one window of elements) and its
 * comparison: strings by bytes, lists in order, sets as sorted members, sorted sets in ZRANGE order
 * (score, then member: the same on both sides when equal) with scores compared as numbers, hashes as
 * sorted field/value pairs. A false answer only sends the key to the full comparison.
 */
final class SmallValue {
    private SmallValue() {
    }

    static List<byte[]> read(String type, byte[] key) {
        switch (type) {
            case "string":
                return Request.of("GET", key);
            case "list":
                return Request.of("LRANGE", key, 0, -1);
            case "hash":
                return Request.of("HGETALL", key);
            case "set":
                return Request.of("SMEMBERS", key);
            case "zset":
                return Request.of("ZRANGE", key, 0, -1, "WITHSCORES");
            default:
                throw new IllegalArgumentException("no small read for " + type);
        }
    }

    static boolean same(String type, RespValue a, RespValue b) {
        if (a instanceof RespValue.Error || b instanceof RespValue.Error) {
            return false;
        }
        if (type.equals("string")) {
            return a instanceof RespValue.Bulk x && b instanceof RespValue.Bulk y && Arrays.equals(x.bytes(), y.bytes());
        }
        if (!(a instanceof RespValue.Array x) || !(b instanceof RespValue.Array y) || x.items() == null || y.items() == null
                || x.items().size() != y.items().size()) {
            return false;
        }
        List<byte[]> p = strings(x.items());
        List<byte[]> q = strings(y.items());
        if (p == null || q == null) {
            return false;
        }
        switch (type) {
            case "list":
                return equal(p, q);
            case "set":
                p.sort(Arrays::compare);
                q.sort(Arrays::compare);
                return equal(p, q);
            case "hash":
                return equal(sortedPairs(p), sortedPairs(q));
            case "zset":
                for (int i = 0; i < p.size(); i += 2) {
                    if (!Arrays.equals(p.get(i), q.get(i)) || !ValueCompare.sameScore(p.get(i + 1), q.get(i + 1))) {
                        return false;
                    }
                }
                return true;
            default:
                return false;
        }
    }

    private static List<byte[]> strings(List<RespValue> items) {
        List<byte[]> out = new ArrayList<>(items.size());
        for (RespValue v : items) {
            if (!(v instanceof RespValue.Bulk b) || b.bytes() == null) {
                return null;
            }
            out.add(b.bytes());
        }
        return out;
    }

    /** Field/value pairs sorted by field, flattened again. */
    private static List<byte[]> sortedPairs(List<byte[]> flat) {
        List<byte[][]> pairs = new ArrayList<>(flat.size() / 2);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            pairs.add(new byte[][] {flat.get(i), flat.get(i + 1)});
        }
        pairs.sort((m, n) -> Arrays.compare(m[0], n[0]));
        List<byte[]> out = new ArrayList<>(flat.size());
        for (byte[][] pair : pairs) {
            out.add(pair[0]);
            out.add(pair[1]);
        }
        return out;
    }

    private static boolean equal(List<byte[]> p, List<byte[]> q) {
        for (int i = 0; i < p.size(); i++) {
            if (!Arrays.equals(p.get(i), q.get(i))) {
                return false;
            }
        }
        return true;
    }
}
