package io.slotferry.migration;

import io.slotferry.filter.KeyFilter;
import io.slotferry.rdb.ValueType;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RespReader;
import io.slotferry.resp.RespValue;
import io.slotferry.resp.RespWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What share of a source the key filters keep, estimated from a sample: {@code SCAN} pages of the connection's
 * database until {@link #SAMPLE} keys (or the whole keyspace, if smaller), each key judged by the run's filter
 * (its name, and its {@code TYPE} when {@code --types} is given) and weighed by {@code MEMORY USAGE} (Redis
 * 4.0+; without it, or when the user may not run it, by count). What {@code migrate plan} checks the target's
 * free memory against when filters are given.
 *
 * @param sampled     keys sampled
 * @param kept        of them, kept by the filter
 * @param sampledBytes their memory (0 when not weighed)
 * @param keptBytes   the kept keys' memory
 */
record KeptShare(long sampled, long kept, long sampledBytes, long keptBytes) {
    /** Keys sampled per source: enough for a share within a few percent, a few round trips on a remote source. */
    static final int SAMPLE = 2000;
    private static final int PAGE = 200;
    private static final int MAX_PAGES = 100;

    /** The share of the source's memory kept: by bytes when weighed, else by count, 1 when nothing was sampled. */
    double fraction() {
        if (sampledBytes > 0) {
            return (double) keptBytes / sampledBytes;
        }
        return sampled == 0 ? 1.0 : (double) kept / sampled;
    }

    /** Whether the share is by memory (else by key count). */
    boolean weighed() {
        return sampledBytes > 0;
    }

    /** Samples the connection's current database. */
    static KeptShare sample(RedisConnection c, KeyFilter filter) throws IOException {
        long sampled = 0;
        long kept = 0;
        long sampledBytes = 0;
        long keptBytes = 0;
        boolean weigh = true;
        String cursor = "0";
        for (int page = 0; page < MAX_PAGES && sampled < SAMPLE; page++) {
            RespValue reply = c.call("SCAN", cursor, "COUNT", Integer.toString(PAGE));
            if (!(reply instanceof RespValue.Array a) || a.items().size() != 2 || !(a.items().get(0) instanceof RespValue.Bulk next)
                    || !(a.items().get(1) instanceof RespValue.Array keys)) {
                throw new IOException("SCAN answered " + reply);
            }
            List<byte[]> names = new ArrayList<>();
            for (RespValue k : keys.items()) {
                if (k instanceof RespValue.Bulk b && sampled + names.size() < SAMPLE) {
                    names.add(b.bytes());
                }
            }
            List<RespValue> types = filter.typesActive() ? pipeline(c, "TYPE", names) : null;
            List<RespValue> sizes = weigh ? pipeline(c, "MEMORY", names) : null;
            for (int i = 0; i < names.size(); i++) {
                if (types != null && types.get(i) instanceof RespValue.Error e) {
                    throw new IOException("TYPE answered " + e.message());
                }
                ValueType type = types == null ? null : types.get(i) instanceof RespValue.SimpleString s ? ValueType.ofTypeReply(s.text()) : null;
                if (types != null && type == null) {
                    continue; // gone since the SCAN: not counted
                }
                long bytes = 0;
                if (sizes != null) {
                    if (sizes.get(i) instanceof RespValue.Integer n) {
                        bytes = n.value();
                    } else if (sizes.get(i) instanceof RespValue.Error) {
                        weigh = false; // before 4.0, or not permitted: by count from here on
                        sampledBytes = 0;
                        keptBytes = 0;
                    }
                }
                boolean keeps = filter.leftOut(names.get(i), type) == null;
                sampled++;
                kept += keeps ? 1 : 0;
                if (weigh) {
                    sampledBytes += bytes;
                    keptBytes += keeps ? bytes : 0;
                }
            }
            cursor = next.text();
            if (cursor.equals("0")) {
                break;
            }
        }
        return new KeptShare(sampled, kept, weigh ? sampledBytes : 0, weigh ? keptBytes : 0);
    }

    /** One command per key, pipelined: {@code TYPE key} or {@code MEMORY USAGE key}. */
    private static List<RespValue> pipeline(RedisConnection c, String command, List<byte[]> keys) throws IOException {
        byte[] name = command.getBytes(StandardCharsets.US_ASCII);
        byte[] usage = "USAGE".getBytes(StandardCharsets.US_ASCII);
        List<byte[]> encoded = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            encoded.add(RespWriter.command(command.equals("MEMORY") ? List.of(name, usage, key) : List.of(name, key)));
        }
        c.sendAll(encoded);
        RespReader reader = c.reader();
        List<RespValue> replies = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            replies.add(reader.read());
        }
        return replies;
    }
}
