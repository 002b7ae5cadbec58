package io.slotferry.source;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keys per database of a live source, from {@code INFO keyspace} (checked before a run starts). */
public final class Keyspace {
    private static final Pattern DB = Pattern.compile("^db(\\d+):keys=(\\d+)", Pattern.MULTILINE);

    private Keyspace() {
    }

    /** Database number → key count, for the databases that hold keys. */
    public static Map<Integer, Long> keysPerDb(RedisEndpoint source, Duration connectTimeout) throws IOException {
        try (RedisConnection c = RedisConnection.open(source, connectTimeout)) {
            RespValue r = c.call("INFO", "keyspace");
            if (!(r instanceof RespValue.Bulk b) || b.bytes() == null) {
                throw new IOException("INFO keyspace answered " + r + " on " + source.host() + ":" + source.port());
            }
            return parse(new String(b.bytes(), StandardCharsets.UTF_8));
        }
    }

    static Map<Integer, Long> parse(String info) {
        Map<Integer, Long> out = new TreeMap<>();
        Matcher m = DB.matcher(info);
        while (m.find()) {
            out.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
        }
        return out;
    }
}
