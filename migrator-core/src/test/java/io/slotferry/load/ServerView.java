package io.slotferry.load;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * A key as the server answers for it, in the corpus manifests' canonical JSON form (bytes as ISO-8859-1
 * characters, sets sorted, strings over 4096 bytes as length + SHA-256, scores as numbers or "inf"):
 * built from the server's replies alone, never from our parser, so it can judge what the loader wrote.
 */
public final class ServerView {
    private static final int INLINE_LIMIT = 4096;

    private ServerView() {
    }

    /** Every key of the current database. */
    public static List<byte[]> keys(Jedis jedis) {
        List<byte[]> keys = new ArrayList<>();
        byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
        do {
            ScanResult<byte[]> r = jedis.scan(cursor, new ScanParams().count(1000));
            keys.addAll(r.getResult());
            cursor = r.getCursorAsBytes();
        } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
        return keys;
    }

    /**
     * {@code {"type", "value", "expire_ms"}}; with {@code deliveryTimes}, a stream's groups also list
     * each pending entry's delivery time (XINFO STREAM FULL), which the manifests do not record.
     */
    public static JsonObject of(Jedis jedis, byte[] key, boolean deliveryTimes) {
        JsonObject n = new JsonObject();
        String type = jedis.type(key);
        n.addProperty("type", type);
        switch (type) {
            case "string" -> n.add("value", bytes(jedis.get(key)));
            case "list" -> n.add("value", array(jedis.lrange(key, 0, -1)));
            case "set" -> {
                List<byte[]> m = new ArrayList<>(jedis.smembers(key));
                m.sort(Arrays::compareUnsigned);
                n.add("value", array(m));
            }
            case "zset" -> {
                JsonArray a = new JsonArray();
                for (Tuple t : jedis.zrangeWithScores(key, 0, -1)) {
                    JsonArray pair = new JsonArray();
                    pair.add(bytes(t.getBinaryElement()));
                    double s = t.getScore();
                    pair.add(Double.isInfinite(s) ? new JsonPrimitive(s > 0 ? "inf" : "-inf") : new JsonPrimitive(s));
                    a.add(pair);
                }
                n.add("value", a);
            }
            case "hash" -> {
                List<Map.Entry<byte[], byte[]>> fields = new ArrayList<>(jedis.hgetAll(key).entrySet());
                fields.sort((x, y) -> Arrays.compareUnsigned(x.getKey(), y.getKey()));
                JsonObject o = new JsonObject();
                fields.forEach(f -> o.add(latin1(f.getKey()), bytes(f.getValue())));
                n.add("value", o);
            }
            case "stream" -> n.add("value", stream(jedis, key, deliveryTimes));
            default -> throw new IllegalStateException("unexpected type " + type + " of " + latin1(key));
        }
        long expireAt = (Long) jedis.sendCommand(Protocol.Command.PEXPIRETIME, key);
        n.add("expire_ms", expireAt >= 0 ? new JsonPrimitive(expireAt) : JsonNull.INSTANCE);
        return n;
    }

    private static JsonObject stream(Jedis jedis, byte[] key, boolean deliveryTimes) {
        Map<String, Object> info = map(jedis.sendCommand(Protocol.Command.XINFO, ascii("STREAM"), key));
        JsonObject s = new JsonObject();
        s.addProperty("length", (Long) info.get("length"));
        s.addProperty("last_id", text(info.get("last-generated-id")));
        s.addProperty("first_id", text(info.get("recorded-first-entry-id")));
        s.addProperty("max_deleted_entry_id", text(info.get("max-deleted-entry-id")));
        s.addProperty("entries_added", (Long) info.get("entries-added"));
        JsonArray entries = new JsonArray();
        for (Object o : (List<?>) jedis.sendCommand(Protocol.Command.XRANGE, key, ascii("-"), ascii("+"))) {
            List<?> entry = (List<?>) o;
            JsonArray e = new JsonArray();
            e.add(text(entry.get(0)));
            JsonArray fv = new JsonArray();
            ((List<?>) entry.get(1)).forEach(x -> fv.add(bytes((byte[]) x)));
            e.add(fv);
            entries.add(e);
        }
        s.add("entries", entries);
        Map<String, JsonArray> times = deliveryTimes ? deliveryTimes(jedis, key) : Map.of();
        JsonArray groups = new JsonArray();
        for (Object o : (List<?>) jedis.sendCommand(Protocol.Command.XINFO, ascii("GROUPS"), key)) {
            Map<String, Object> g = map(o);
            byte[] name = (byte[]) g.get("name");
            JsonObject grp = new JsonObject();
            grp.addProperty("name", latin1(name));
            grp.addProperty("last_delivered_id", text(g.get("last-delivered-id")));
            Object read = g.get("entries-read");
            grp.add("entries_read", read == null ? JsonNull.INSTANCE : new JsonPrimitive((Long) read));
            JsonArray pending = new JsonArray();
            for (Object p : (List<?>) jedis.sendCommand(Protocol.Command.XPENDING, key, name, ascii("-"), ascii("+"),
                    ascii("100000000"))) {
                List<?> pe = (List<?>) p;
                JsonArray x = new JsonArray();
                x.add(text(pe.get(0)));
                x.add(text(pe.get(1)));
                x.add((Long) pe.get(3));
                pending.add(x);
            }
            grp.add("pending", pending);
            JsonArray consumers = new JsonArray();
            for (Object c : (List<?>) jedis.sendCommand(Protocol.Command.XINFO, ascii("CONSUMERS"), key, name)) {
                Map<String, Object> cm = map(c);
                JsonObject co = new JsonObject();
                co.addProperty("name", text(cm.get("name")));
                co.addProperty("pending", (Long) cm.get("pending"));
                consumers.add(co);
            }
            grp.add("consumers", consumers);
            if (deliveryTimes) {
                grp.add("delivery_times", times.get(latin1(name)));
            }
            groups.add(grp);
        }
        s.add("groups", groups);
        return s;
    }

    /** Per group name: [[id, delivery time ms], ...] from XINFO STREAM key FULL. */
    private static Map<String, JsonArray> deliveryTimes(Jedis jedis, byte[] key) {
        Map<String, Object> full = map(jedis.sendCommand(Protocol.Command.XINFO, ascii("STREAM"), key, ascii("FULL"),
                ascii("COUNT"), ascii("0")));
        Map<String, JsonArray> times = new LinkedHashMap<>();
        for (Object o : (List<?>) full.get("groups")) {
            Map<String, Object> g = map(o);
            JsonArray pel = new JsonArray();
            for (Object p : (List<?>) g.get("pending")) {
                List<?> entry = (List<?>) p; // id, consumer, delivery time, delivery count
                JsonArray x = new JsonArray();
                x.add(text(entry.get(0)));
                x.add((Long) entry.get(2));
                pel.add(x);
            }
            times.put(text(g.get("name")), pel);
        }
        return times;
    }

    private static Map<String, Object> map(Object reply) {
        List<?> l = (List<?>) reply;
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < l.size(); i += 2) {
            m.put(text(l.get(i)), l.get(i + 1));
        }
        return m;
    }

    private static JsonArray array(List<byte[]> items) {
        JsonArray a = new JsonArray();
        items.forEach(b -> a.add(bytes(b)));
        return a;
    }

    /** A binary-safe string as the manifests write it: ISO-8859-1 text, or length + SHA-256 above 4096 bytes. */
    static JsonElement bytes(byte[] b) {
        if (b.length > INLINE_LIMIT) {
            JsonObject o = new JsonObject();
            o.addProperty("len", b.length);
            try {
                o.addProperty("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            return o;
        }
        return new JsonPrimitive(latin1(b));
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? latin1(b) : String.valueOf(o);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /**
     * True when {@code got} equals {@code want}; with {@code subset}, objects in {@code want} need only their own
     * fields to match (the server view of a stream has more than the manifests record).
     */
    public static boolean matches(JsonElement want, JsonElement got, boolean subset) {
        if (!subset || !want.isJsonObject() && !want.isJsonArray()) {
            return want.equals(got);
        }
        if (want.isJsonArray()) {
            if (got == null || !got.isJsonArray() || got.getAsJsonArray().size() != want.getAsJsonArray().size()) {
                return false;
            }
            for (int i = 0; i < want.getAsJsonArray().size(); i++) {
                if (!matches(want.getAsJsonArray().get(i), got.getAsJsonArray().get(i), true)) {
                    return false;
                }
            }
            return true;
        }
        if (got == null || !got.isJsonObject()) {
            return false;
        }
        for (Map.Entry<String, JsonElement> e : want.getAsJsonObject().entrySet()) {
            JsonElement g = got.getAsJsonObject().get(e.getKey());
            if (!matches(e.getValue(), g == null ? JsonNull.INSTANCE : g, true)) {
                return false;
            }
        }
        return true;
    }

}
