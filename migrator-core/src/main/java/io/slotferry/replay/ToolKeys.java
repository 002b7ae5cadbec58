package io.slotferry.replay;

import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.routing.HashSlot;
import io.slotferry.write.TargetNodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import io.slotferry.translate.ExpiryGrace;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys the migrator keeps in the target for itself, all starting with {@link AppliedMarks#TOOL_PREFIX}:
 * applied and barrier marks, emulation journals and scratch keys, the TTL grace. They must not outlive the
 * migration: {@code migrate finish} makes the expiries exact and deletes them, {@code migrate verify} counts them.
 */
public final class ToolKeys {
    private static final byte[] PATTERN = KeyspaceWalk.prefixPattern(AppliedMarks.TOOL_PREFIX.getBytes(StandardCharsets.US_ASCII));
    private static final byte[] UNLINK = "UNLINK".getBytes(StandardCharsets.US_ASCII);
    /** {@code slotferry:ttl-grace}: how far past the sources' the target's expiries are held, in ms (see {@link ExpiryGrace}). */
    public static final byte[] TTL_GRACE = (AppliedMarks.TOOL_PREFIX + "ttl-grace").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LEASES = (AppliedMarks.TOOL_PREFIX + "lease:").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SET = "SET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GET = "GET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PTTL = "PTTL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PEXPIREAT = "PEXPIREAT".getBytes(StandardCharsets.US_ASCII);

    private ToolKeys() {
    }

    /** Deletes every tool key on every primary (one page of keys at a time, pipelined); returns how many were deleted. */
    public static long deleteAll(TargetNodes nodes) throws IOException, InterruptedException {
        long[] deleted = {0};
        walk(nodes, PATTERN, (primary, keys) -> {
            List<List<byte[]>> unlinks = new ArrayList<>(keys.size());
            for (byte[] k : keys) {
                unlinks.add(List.of(UNLINK, k)); // one key per command: a cluster refuses keys of several slots
            }
            for (RespValue r : onPrimary(nodes, primary, unlinks)) {
                if (r instanceof RespValue.Error e) {
                    throw new IOException("deleting a key of the migrator failed: " + e.message());
                }
                if (r instanceof RespValue.Integer n) {
                    deleted[0] += n.value();
                }
            }
        });
        return deleted[0];
    }

    /**
     * The instance leases of running processes ({@code slotferry:lease:*}, see {@code io.slotferry.lease.InstanceLeases}):
     * key to holder. A lease outlives a killed process by its lease time at most.
     */
    public static java.util.Map<String, String> leases(TargetNodes nodes) throws IOException, InterruptedException {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        try {
            KeyspaceWalk.walk(nodes, KeyspaceWalk.prefixPattern(LEASES), keys -> {
                for (byte[] k : keys) {
                    RespValue r = nodes.call(HashSlot.of(k), List.of(GET, k));
                    if (r instanceof RespValue.Bulk b && b.bytes() != null) {
                        out.put(new String(k, StandardCharsets.UTF_8), new String(b.bytes(), StandardCharsets.UTF_8));
                    }
                }
            });
        } catch (ReplayException e) {
            throw new IOException(e.getMessage(), e);
        }
        return out;
    }

    /** How many tool keys the target holds. */
    public static long count(TargetNodes nodes) throws IOException, InterruptedException {
        long[] n = {0};
        walk(nodes, keys -> n[0] += keys.size());
        return n[0];
    }

    /**
     * Records on the target that its expiries are held {@code graceMillis} past the sources' ({@link ExpiryGrace}):
     * {@code migrate finish} and {@code migrate verify} read it. Every run into one target must hold them alike.
     *
     * @throws GraceConflict the target holds expiries of another grace (another run's)
     */
    public static void declareTtlGrace(TargetNodes nodes, long graceMillis) throws IOException, InterruptedException {
        long before = ttlGrace(nodes);
        if (before == graceMillis) {
            return;
        }
        if (before != 0) {
            throw new GraceConflict("the target's expiries are held " + before + " ms past the sources' by an earlier run ("
                    + new String(TTL_GRACE, StandardCharsets.US_ASCII) + "); this run would hold them " + graceMillis
                    + " ms: give it --ttl-grace " + before + "ms, or run 'migrate finish' first");
        }
        RespValue r = nodes.call(HashSlot.of(TTL_GRACE), List.of(SET, TTL_GRACE, Long.toString(graceMillis).getBytes(StandardCharsets.US_ASCII)));
        if (r instanceof RespValue.Error e) {
            throw new IOException("recording the TTL grace on the target failed: " + e.message());
        }
    }

    /** How far past the sources' the target's expiries are held now (0 when they are exact: no run, or finished). */
    public static long ttlGrace(TargetNodes nodes) throws IOException, InterruptedException {
        RespValue r = nodes.call(HashSlot.of(TTL_GRACE), List.of(GET, TTL_GRACE));
        if (r instanceof RespValue.Bulk b && b.bytes() != null) {
            try {
                return Long.parseLong(new String(b.bytes(), StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException(new String(TTL_GRACE, StandardCharsets.US_ASCII) + " on the target is not a number of ms");
            }
        }
        if (r instanceof RespValue.Error e) {
            throw new IOException("reading the TTL grace of the target failed: " + e.message());
        }
        return 0;
    }

    /**
     * Makes every expiry on the target the sources' again: each key with a TTL gets {@code PEXPIREAT} its
     * expiry minus the grace (a key whose source expiry passed meanwhile goes at once, as on the source).
     * One page of keys at a time, pipelined per primary. Run with the sources' writes stopped and no run going.
     *
     * @return keys whose expiry was made exact
     */
    public static long exactTtls(TargetNodes nodes) throws IOException, InterruptedException {
        long grace = ttlGrace(nodes);
        if (grace == 0) {
            return 0;
        }
        long[] adjusted = {0};
        walk(nodes, null, (primary, keys) -> {
            List<byte[]> data = new ArrayList<>(keys.size());
            for (byte[] key : keys) {
                if (!AppliedMarks.isToolKey(key)) {
                    data.add(key);
                }
            }
            adjusted[0] += exactTtls(nodes, primary, data, grace);
        });
        return adjusted[0];
    }

    private static long exactTtls(TargetNodes nodes, RedisEndpoint primary, List<byte[]> keys, long grace)
            throws IOException, InterruptedException {
        if (keys.isEmpty()) {
            return 0;
        }
        List<List<byte[]>> reads = new ArrayList<>(keys.size());
        for (byte[] k : keys) {
            reads.add(List.of(PTTL, k));
        }
        long now = System.currentTimeMillis();
        List<RespValue> ttls = onPrimary(nodes, primary, reads);
        List<List<byte[]>> writes = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (ttls.get(i) instanceof RespValue.Integer ms && ms.value() >= 0) {
                writes.add(List.of(PEXPIREAT, keys.get(i), Long.toString(now + ms.value() - grace).getBytes(StandardCharsets.US_ASCII)));
            }
        }
        for (RespValue r : onPrimary(nodes, primary, writes)) {
            if (r instanceof RespValue.Error e) {
                throw new IOException("making the expiry of a key exact failed: " + e.message());
            }
        }
        return writes.size();
    }

    /**
     * {@code commands}, each on one key, pipelined to {@code primary}; a command whose slot moved since the
     * SCAN (an error reply) is sent again through the slot table.
     */
    private static List<RespValue> onPrimary(TargetNodes nodes, RedisEndpoint primary, List<List<byte[]>> commands)
            throws IOException, InterruptedException {
        List<RespValue> replies = new ArrayList<>(nodes.pipeline(primary, commands));
        for (int i = 0; i < replies.size(); i++) {
            if (replies.get(i) instanceof RespValue.Error) {
                replies.set(i, nodes.call(HashSlot.of(commands.get(i).get(1)), commands.get(i)));
            }
        }
        return replies;
    }

    /** Runs into one target disagree on the TTL grace. */
    public static final class GraceConflict extends IllegalArgumentException {
        GraceConflict(String message) {
            super(message);
        }
    }

    private static void walk(TargetNodes nodes, KeyspaceWalk.Visitor visitor) throws IOException, InterruptedException {
        walk(nodes, PATTERN, (primary, keys) -> visitor.page(keys));
    }

    private static void walk(TargetNodes nodes, byte[] pattern, KeyspaceWalk.PrimaryVisitor visitor)
            throws IOException, InterruptedException {
        try {
            KeyspaceWalk.walk(nodes, pattern, visitor);
        } catch (ReplayException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
