package io.slotferry.verify;

import io.slotferry.resp.RespValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a stream in windows: length and the ids the stream remembers (XINFO STREAM), entries by
 * XRANGE pages in id order, consumer groups (XINFO GROUPS: name, consumers, pending, last delivered
 * id), each group's consumers (name, pending) and its PEL by XPENDING pages (id, consumer, delivery
 * count). Idle times are not compared: reading a stream never changes them on one side only, but
 * they are not copied exactly either.
 */
final class StreamCompare {
    private static final List<String> STREAM_FIELDS = List.of("length", "last-generated-id", "max-deleted-entry-id",
            "entries-added");
    private static final List<String> GROUP_FIELDS = List.of("name", "consumers", "pending", "last-delivered-id");

    private final int chunk;

    StreamCompare(int chunk) {
        this.chunk = chunk;
    }

    String compare(Side s, Side t) throws IOException, InterruptedException {
        Map<String, String> a = scalars(s.subItems("XINFO", "STREAM"));
        Map<String, String> b = scalars(t.subItems("XINFO", "STREAM"));
        for (String f : STREAM_FIELDS) {
            if (a.containsKey(f) && b.containsKey(f) && !a.get(f).equals(b.get(f))) {
                return "stream " + f + ": source " + a.get(f) + ", target " + b.get(f);
            }
        }
        String d = entries(s, t);
        if (d != null) {
            return d;
        }
        List<RespValue> ga = s.subItems("XINFO", "GROUPS");
        List<RespValue> gb = t.subItems("XINFO", "GROUPS");
        if (ga.size() != gb.size()) {
            return "consumer groups: source " + ga.size() + ", target " + gb.size();
        }
        for (int i = 0; i < ga.size(); i++) {
            Map<String, String> x = scalars(Reply.items(ga.get(i), Request.of("XINFO")));
            Map<String, String> y = scalars(Reply.items(gb.get(i), Request.of("XINFO")));
            for (String f : GROUP_FIELDS) {
                if (!String.valueOf(x.get(f)).equals(String.valueOf(y.get(f)))) {
                    return "group " + x.get("name") + " " + f + ": source " + x.get(f) + ", target " + y.get(f);
                }
            }
            byte[] group = x.get("name").getBytes(StandardCharsets.ISO_8859_1);
            d = consumers(s, t, group);
            if (d == null) {
                d = pending(s, t, group);
            }
            if (d != null) {
                return "group " + x.get("name") + ": " + d;
            }
        }
        return null;
    }

    private String entries(Side s, Side t) throws IOException, InterruptedException {
        String start = "-";
        while (true) {
            List<RespValue> a = s.items("XRANGE", start, "+", "COUNT", chunk);
            List<RespValue> b = t.items("XRANGE", start, "+", "COUNT", chunk);
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                if (i >= a.size() || i >= b.size()) {
                    return "entries: one side ends before the other after " + start;
                }
                List<RespValue> x = Reply.items(a.get(i), Request.of("XRANGE"));
                List<RespValue> y = Reply.items(b.get(i), Request.of("XRANGE"));
                String idA = text(x.get(0));
                String idB = text(y.get(0));
                if (!idA.equals(idB)) {
                    return "entry ids differ: source " + idA + ", target " + idB;
                }
                if (!sameStrings(Reply.items(x.get(1), Request.of("XRANGE")), Reply.items(y.get(1), Request.of("XRANGE")))) {
                    return "entry " + idA + ": fields differ";
                }
            }
            if (a.size() < chunk) {
                return null;
            }
            start = next(text(Reply.items(a.get(a.size() - 1), Request.of("XRANGE")).get(0)));
        }
    }

    private String consumers(Side s, Side t, byte[] group) throws IOException, InterruptedException {
        List<RespValue> a = s.subItems("XINFO", "CONSUMERS", group);
        List<RespValue> b = t.subItems("XINFO", "CONSUMERS", group);
        if (a.size() != b.size()) {
            return "consumers: source " + a.size() + ", target " + b.size();
        }
        for (int i = 0; i < a.size(); i++) {
            Map<String, String> x = scalars(Reply.items(a.get(i), Request.of("XINFO")));
            Map<String, String> y = scalars(Reply.items(b.get(i), Request.of("XINFO")));
            for (String f : List.of("name", "pending")) {
                if (!String.valueOf(x.get(f)).equals(String.valueOf(y.get(f)))) {
                    return "consumer " + x.get("name") + " " + f + ": source " + x.get(f) + ", target " + y.get(f);
                }
            }
        }
        return null;
    }

    private String pending(Side s, Side t, byte[] group) throws IOException, InterruptedException {
        String start = "-";
        while (true) {
            List<RespValue> a = s.items("XPENDING", group, start, "+", chunk);
            List<RespValue> b = t.items("XPENDING", group, start, "+", chunk);
            if (a.size() != b.size()) {
                return "pending entries from " + start + ": source " + a.size() + ", target " + b.size();
            }
            for (int i = 0; i < a.size(); i++) {
                List<RespValue> x = Reply.items(a.get(i), Request.of("XPENDING"));
                List<RespValue> y = Reply.items(b.get(i), Request.of("XPENDING"));
                // id, consumer, idle ms, delivery count: all but the idle time must agree
                if (!text(x.get(0)).equals(text(y.get(0))) || !text(x.get(1)).equals(text(y.get(1)))
                        || !text(x.get(3)).equals(text(y.get(3)))) {
                    return "pending entry " + text(x.get(0)) + " (consumer " + text(x.get(1)) + ", delivered "
                            + text(x.get(3)) + "), target has " + text(y.get(0)) + " (consumer " + text(y.get(1))
                            + ", delivered " + text(y.get(3)) + ")";
                }
            }
            if (a.size() < chunk) {
                return null;
            }
            start = next(text(Reply.items(a.get(a.size() - 1), Request.of("XPENDING")).get(0)));
        }
    }

    /** The smallest id after {@code id} ("ms-seq"), for the next window. */
    static String next(String id) {
        int dash = id.indexOf('-');
        long ms = Long.parseUnsignedLong(id.substring(0, dash));
        long seq = Long.parseUnsignedLong(id.substring(dash + 1));
        if (seq == -1L) {
            return Long.toUnsignedString(ms + 1) + "-0";
        }
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq + 1);
    }

    /** A flat name/value reply, keeping the values that are strings or numbers. */
    private static Map<String, String> scalars(List<RespValue> flat) throws VerifyException {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            RespValue v = flat.get(i + 1);
            if (v instanceof RespValue.Bulk || v instanceof RespValue.Integer || v instanceof RespValue.SimpleString) {
                byte[] b = ValueCompare.bulk(v);
                out.put(text(flat.get(i)), b == null ? "(nil)" : new String(b, StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    private static boolean sameStrings(List<RespValue> a, List<RespValue> b) throws VerifyException {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(ValueCompare.bulk(a.get(i)), ValueCompare.bulk(b.get(i)))) {
                return false;
            }
        }
        return true;
    }

    /** Ids, names and counts as text: every byte one ISO-8859-1 character, so nothing is lost. */
    private static String text(RespValue v) throws VerifyException {
        byte[] b = ValueCompare.bulk(v);
        return b == null ? "(nil)" : new String(b, StandardCharsets.ISO_8859_1);
    }
}
