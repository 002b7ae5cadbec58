package io.slotferry.source;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RespValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One {@code INFO} section as {@code field → value} (comment and blank lines dropped). */
public final class Info {
    private Info() {
    }

    /** Asks {@code INFO section} on an open connection. */
    public static Map<String, String> read(RedisConnection c, String section) throws IOException {
        RespValue r = c.call("INFO", section);
        if (!(r instanceof RespValue.Bulk b) || b.bytes() == null) {
            throw new IOException("INFO " + section + " answered " + r + " on " + c.endpoint());
        }
        return parse(new String(b.bytes(), StandardCharsets.UTF_8));
    }

    /** Parses INFO-shaped text ({@code field:value} lines; also CLUSTER INFO). */
    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (line.isEmpty() || line.startsWith("#") || colon < 0) {
                continue;
            }
            out.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return out;
    }

    /** A numeric field, or {@code otherwise} when absent or not a number. */
    public static long number(Map<String, String> info, String field, long otherwise) {
        String v = info.get(field);
        if (v == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
