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
 * @param keys       keys on all primaries, bookkeeping included
 * @param example    a key that is not bookkeeping (printable), or null when there is none
 * @param inProgress a migration into this target is going on or was not finished: its TTL grace
 *                   ({@code slotferry:ttl-grace}, written by every run's workers) or a lease of an instance
 *                   ({@code slotferry:lease:*}, held by each process of a split fleet) is there. Its keys are
 *                   then that migration's copy (the other processes of a fleet load into the same target),
 *                   not the application's: a fresh process of the fleet must not be refused for them
 */
public record TargetKeys(long keys, String example, boolean inProgress) {
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
        if (inProgress) {
            return Finding.warn(subject, "holds " + keys + " keys (e.g. " + example + ") and the bookkeeping of a migration that"
                    + " is going on or was not finished (" + BOOKKEEPING_PREFIX + "ttl-grace or leases): taken as its copy, a fresh"
                    + " run is not refused", "if no migration into this target should be going on, check --target");
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
        boolean inProgress = false;
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
                if (i.value() > 0 && !inProgress) {
                    inProgress = holdsAny(c, BOOKKEEPING_PREFIX + "ttl-grace") || holdsAny(c, BOOKKEEPING_PREFIX + "lease:*");
                }
            }
        }
        return new TargetKeys(keys, example, inProgress);
    }

    /** Whether a key matching {@code pattern} is on this primary (a SCAN walk with MATCH: one page at a time). */
    private static boolean holdsAny(RedisConnection c, String pattern) throws IOException {
        String cursor = "0";
        do {
            RespValue r = c.call("SCAN", cursor, "MATCH", pattern, "COUNT", "1000");
            if (!(r instanceof RespValue.Array a) || a.items().size() != 2) {
                throw new IOException(c.endpoint() + ": SCAN answered " + r);
            }
            cursor = ((RespValue.Bulk) a.items().get(0)).text();
            if (!((RespValue.Array) a.items().get(1)).items().isEmpty()) {
                return true;
            }
        } while (!cursor.equals("0"));
        return false;
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
