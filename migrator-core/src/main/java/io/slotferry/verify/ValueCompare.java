package io.slotferry.verify;

import io.slotferry.resp.KeyText;
import io.slotferry.resp.RespValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Compares one key on the source with its copy on the target, one window at a time so memory holds
 * one chunk of a big collection, never the collection: strings by byte ranges, lists by LRANGE
 * windows in order, hashes/sets/sorted sets by a source HSCAN/SSCAN/ZSCAN page looked up on the
 * target (HMGET, SMISMEMBER, ZMSCORE) after equal sizes, streams by {@link StreamCompare}, other
 * types by their DUMP bytes. Then the TTLs.
 */
final class ValueCompare {
    private static final int STRING_WINDOW = 1 << 20;

    private final int chunk;
    private final long ttlToleranceMs;
    private final long ttlGraceMs;

    ValueCompare(int chunk, long ttlToleranceMs, long ttlGraceMs) {
        this.ttlGraceMs = ttlGraceMs;
        this.chunk = chunk;
        this.ttlToleranceMs = ttlToleranceMs;
    }

    Verdict compare(Side source, Side target) throws IOException, InterruptedException {
        try {
            String st = source.type();
            if (st.equals("none")) {
                return Verdict.GONE;
            }
            String tt = target.type();
            if (tt.equals("none")) {
                return new Verdict.Differs(DiffKind.MISSING, "not on the target (source has a " + st + ")");
            }
            if (!st.equals(tt)) {
                return new Verdict.Differs(DiffKind.TYPE, "source has a " + st + ", target a " + tt);
            }
            String d = value(st, source, target);
            if (d != null) {
                return new Verdict.Differs(DiffKind.VALUE, d);
            }
            long sp = source.integer("PTTL");
            long tp = target.integer("PTTL");
            if (sp == -2) {
                return Verdict.GONE;
            }
            if (tp == -2) {
                return new Verdict.Differs(DiffKind.MISSING, "expired or deleted on the target while compared");
            }
            String t = ttlDifference(sp, tp, ttlToleranceMs, ttlGraceMs);
            return t == null ? Verdict.SAME : new Verdict.Differs(DiffKind.TTL, t);
        } catch (VerifyException e) {
            if (Reply.wrongType(e)) {
                return new Verdict.Differs(DiffKind.TYPE, "the type changed while compared: " + e.getMessage());
            }
            throw e;
        }
    }

    /** Null when the remaining TTLs agree: both none, or both set within {@code tolerance} ms. */
    /**
     * What differs between two remaining TTLs (null: nothing), the target's read as the source's: less the
     * {@code grace} the run holds the target's expiries by.
     */
    static String ttlDifference(long sourcePttl, long heldPttl, long tolerance, long grace) {
        long targetPttl = heldPttl > 0 && grace > 0 ? heldPttl - grace : heldPttl;
        if (sourcePttl == -1 && targetPttl == -1) {
            return null;
        }
        if (sourcePttl == -1) {
            return "source has no TTL, target expires in " + targetPttl + " ms";
        }
        if (targetPttl == -1) {
            return "source expires in " + sourcePttl + " ms, target has no TTL";
        }
        long diff = Math.abs(sourcePttl - targetPttl);
        if (diff <= tolerance) {
            return null;
        }
        return "source expires in " + sourcePttl + " ms, target in " + targetPttl + " ms (" + diff
                + " ms apart, tolerance " + tolerance + " ms" + (grace > 0 ? ", the target's " + grace + " ms grace taken off" : "")
                + ")";
    }

    private String value(String type, Side s, Side t) throws IOException, InterruptedException {
        switch (type) {
            case "string":
                return strings(s, t);
            case "list":
                return lists(s, t);
            case "hash":
                return hashes(s, t);
            case "set":
                return sets(s, t);
            case "zset":
                return zsets(s, t);
            case "stream":
                return new StreamCompare(chunk).compare(s, t);
            default:
                return dumps(s, t);
        }
    }

    private static String sizes(String what, long a, long b) {
        return a == b ? null : what + ": source " + a + ", target " + b;
    }

    private String strings(Side s, Side t) throws IOException, InterruptedException {
        long n = s.integer("STRLEN");
        String d = sizes("length in bytes", n, t.integer("STRLEN"));
        if (d != null) {
            return d;
        }
        for (long at = 0; at < n; at += STRING_WINDOW) {
            long end = Math.min(n, at + STRING_WINDOW) - 1;
            byte[] a = Reply.bytes(s.on("GETRANGE", at, end), Request.of("GETRANGE"));
            byte[] b = Reply.bytes(t.on("GETRANGE", at, end), Request.of("GETRANGE"));
            int m = Arrays.mismatch(a, b);
            if (m >= 0) {
                return "bytes differ from offset " + (at + m);
            }
        }
        return null;
    }

    private String lists(Side s, Side t) throws IOException, InterruptedException {
        long n = s.integer("LLEN");
        String d = sizes("length", n, t.integer("LLEN"));
        if (d != null) {
            return d;
        }
        for (long at = 0; at < n; at += chunk) {
            long end = at + chunk - 1;
            List<RespValue> a = s.items("LRANGE", at, end);
            List<RespValue> b = t.items("LRANGE", at, end);
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                byte[] x = i < a.size() ? bulk(a.get(i)) : null;
                byte[] y = i < b.size() ? bulk(b.get(i)) : null;
                if (!Arrays.equals(x, y)) {
                    return "element " + (at + i) + ": source " + shown(x) + ", target " + shown(y);
                }
            }
        }
        return null;
    }

    private String hashes(Side s, Side t) throws IOException, InterruptedException {
        String d = sizes("fields", s.integer("HLEN"), t.integer("HLEN"));
        if (d != null) {
            return d;
        }
        String cursor = "0";
        do {
            List<RespValue> page = s.items("HSCAN", cursor, "COUNT", chunk);
            cursor = cursorOf(page);
            List<RespValue> pairs = Reply.items(page.get(1), Request.of("HSCAN"));
            List<byte[]> fields = new ArrayList<>();
            for (int i = 0; i < pairs.size(); i += 2) {
                fields.add(bulk(pairs.get(i)));
            }
            if (fields.isEmpty()) {
                continue;
            }
            List<byte[]> argv = Request.withItems("HMGET", t.key(), fields);
            List<RespValue> values = Reply.items(t.call(argv), argv);
            for (int i = 0; i < fields.size(); i++) {
                byte[] x = bulk(pairs.get(2 * i + 1));
                byte[] y = bulk(values.get(i));
                if (!Arrays.equals(x, y)) {
                    return "field " + shown(fields.get(i)) + ": source " + shown(x) + ", target "
                            + (y == null ? "absent" : shown(y));
                }
            }
        } while (!cursor.equals("0"));
        return null;
    }

    private String sets(Side s, Side t) throws IOException, InterruptedException {
        String d = sizes("members", s.integer("SCARD"), t.integer("SCARD"));
        if (d != null) {
            return d;
        }
        String cursor = "0";
        do {
            List<RespValue> page = s.items("SSCAN", cursor, "COUNT", chunk);
            cursor = cursorOf(page);
            List<byte[]> members = new ArrayList<>();
            for (RespValue v : Reply.items(page.get(1), Request.of("SSCAN"))) {
                members.add(bulk(v));
            }
            if (members.isEmpty()) {
                continue;
            }
            List<byte[]> argv = Request.withItems("SMISMEMBER", t.key(), members);
            List<RespValue> found = Reply.items(t.call(argv), argv);
            for (int i = 0; i < members.size(); i++) {
                if (Reply.integer(found.get(i), argv) != 1) {
                    return "member " + shown(members.get(i)) + " is not on the target";
                }
            }
        } while (!cursor.equals("0"));
        return null;
    }

    private String zsets(Side s, Side t) throws IOException, InterruptedException {
        String d = sizes("members", s.integer("ZCARD"), t.integer("ZCARD"));
        if (d != null) {
            return d;
        }
        String cursor = "0";
        do {
            List<RespValue> page = s.items("ZSCAN", cursor, "COUNT", chunk);
            cursor = cursorOf(page);
            List<RespValue> pairs = Reply.items(page.get(1), Request.of("ZSCAN"));
            List<byte[]> members = new ArrayList<>();
            for (int i = 0; i < pairs.size(); i += 2) {
                members.add(bulk(pairs.get(i)));
            }
            if (members.isEmpty()) {
                continue;
            }
            List<byte[]> argv = Request.withItems("ZMSCORE", t.key(), members);
            List<RespValue> scores = Reply.items(t.call(argv), argv);
            for (int i = 0; i < members.size(); i++) {
                byte[] x = bulk(pairs.get(2 * i + 1));
                byte[] y = bulk(scores.get(i));
                if (y == null || !sameScore(x, y)) {
                    return "member " + shown(members.get(i)) + ": source score " + shown(x) + ", target "
                            + (y == null ? "absent" : "score " + shown(y));
                }
            }
        } while (!cursor.equals("0"));
        return null;
    }

    /** Scores as the servers print them; two versions may print one double differently, so compare the numbers. */
    static boolean sameScore(byte[] a, byte[] b) {
        if (Arrays.equals(a, b)) {
            return true;
        }
        try {
            return Double.compare(score(a), score(b)) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static double score(byte[] s) {
        String text = new String(s, StandardCharsets.US_ASCII);
        if (text.equalsIgnoreCase("inf") || text.equalsIgnoreCase("+inf")) {
            return Double.POSITIVE_INFINITY;
        }
        if (text.equalsIgnoreCase("-inf")) {
            return Double.NEGATIVE_INFINITY;
        }
        return Double.parseDouble(text);
    }

    private String dumps(Side s, Side t) throws IOException, InterruptedException {
        byte[] a = Reply.bytes(s.on("DUMP"), Request.of("DUMP"));
        byte[] b = Reply.bytes(t.on("DUMP"), Request.of("DUMP"));
        if (a == null || b == null || a.length < 10 || b.length < 10) {
            return a == null ? null : "DUMP: source " + a.length + " bytes, target " + (b == null ? "none" : b.length + " bytes");
        }
        // The last 10 bytes are the RDB version and a checksum: the value is everything before them.
        return Arrays.equals(a, 0, a.length - 10, b, 0, b.length - 10) ? null : "serialized values (DUMP) differ";
    }

    static String cursorOf(List<RespValue> page) throws VerifyException {
        if (page.size() != 2) {
            throw new VerifyException("a SCAN-family reply has " + page.size() + " parts, not 2");
        }
        return new String(bulk(page.get(0)), StandardCharsets.US_ASCII);
    }

    static byte[] bulk(RespValue v) throws VerifyException {
        if (v instanceof RespValue.Bulk b) {
            return b.bytes();
        }
        if (v instanceof RespValue.Integer i) {
            return Long.toString(i.value()).getBytes(StandardCharsets.US_ASCII);
        }
        if (v instanceof RespValue.SimpleString s) {
            return s.text().getBytes(StandardCharsets.UTF_8);
        }
        throw new VerifyException("expected a string in a reply, got " + v);
    }

    static String shown(byte[] value) {
        return value == null ? "(none)" : KeyText.printable(value);
    }
}
