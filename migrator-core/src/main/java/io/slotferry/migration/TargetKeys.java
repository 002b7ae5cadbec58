package io.slotferry.migration;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.routing.ClusterTopology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * What the target holds before a run: keys on every primary ({@code DBSIZE}) and whether any is not
 * slotferry's own bookkeeping ({@code slotferry:*}, e.g. applied marks): such a key would be overwritten
 * by a source key of the same name.
 *
 * @param keys    keys on all primaries, bookkeeping included
 * @param example a key that is not bookkeeping (printable), or null when there is none
 */
public record TargetKeys(long keys, String example) {
    /** slotferry's own keys on a target (applied marks, scratch keys of emulations). */
    public static final String BOOKKEEPING_PREFIX = io.slotferry.replay.AppliedMarks.TOOL_PREFIX;

    /** Whether the target holds keys that are not slotferry's. */
    public boolean foreign() {
        return example != null;
    }

    /** What {@code migrate plan} says about these keys under {@code policy}. */
    public Finding finding(String subject, io.slotferry.load.OnExisting policy) {
        if (keys == 0) {
            return Finding.ok(subject, "holds no keys");
        }
        if (!foreign()) {
            return Finding.ok(subject, "holds " + keys + " keys, all slotferry's own bookkeeping (" + BOOKKEEPING_PREFIX + "*)");
        }
        String held = "holds " + keys + " keys (e.g. " + example + ")";
        return switch (policy) {
            case FAIL -> Finding.fail(subject, held + ": with --on-existing fail (the default) a fresh run refuses to start",
                    "check --target; if it is the right one: --on-existing skip (leave them) or replace (overwrite keys of the same name)");
            case SKIP -> Finding.warn(subject, held + ": --on-existing skip leaves them alone; source keys of the same name are"
                    + " not loaded (counted)", "");
            case REPLACE -> Finding.warn(subject, held + ": --on-existing replace overwrites any of the same name as a source key", "");
        };
    }

    /** Counts with {@code DBSIZE} on each primary and looks (SCAN) for one key that is not bookkeeping. */
    public static TargetKeys of(RedisEndpoint target, Duration timeout) throws IOException {
        List<RedisEndpoint> primaries;
        try (RedisConnection c = RedisConnection.open(target, timeout)) {
            primaries = c.call("CLUSTER", "INFO") instanceof RespValue.Error ? List.of(target) : ClusterTopology.discover(c).primaries();
        }
        long keys = 0;
        String example = null;
        for (RedisEndpoint p : primaries) {
            try (RedisConnection c = RedisConnection.open(p, timeout)) {
                RespValue n = c.call("DBSIZE");
                if (!(n instanceof RespValue.Integer i)) {
                    throw new IOException(p + ": DBSIZE answered " + n);
                }
                keys += i.value();
                if (i.value() > 0 && example == null) {
                    example = firstForeignKey(c);
                }
            }
        }
        return new TargetKeys(keys, example);
    }

    private static String firstForeignKey(RedisConnection c) throws IOException {
        String cursor = "0";
        do {
            RespValue r = c.call("SCAN", cursor, "COUNT", "1000");
            if (!(r instanceof RespValue.Array a) || a.items().size() != 2) {
                throw new IOException(c.endpoint() + ": SCAN answered " + r);
            }
            cursor = ((RespValue.Bulk) a.items().get(0)).text();
            for (RespValue k : ((RespValue.Array) a.items().get(1)).items()) {
                byte[] key = ((RespValue.Bulk) k).bytes();
                if (!new String(key, StandardCharsets.ISO_8859_1).startsWith(BOOKKEEPING_PREFIX)) {
                    return io.slotferry.resp.KeyText.printable(key);
                }
            }
        } while (!cursor.equals("0"));
        return null;
    }
}
