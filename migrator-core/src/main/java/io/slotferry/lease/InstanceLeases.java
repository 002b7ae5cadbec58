package io.slotferry.lease;

import io.slotferry.replay.AppliedMarks;
import io.slotferry.resp.RespValue;
import io.slotferry.routing.HashSlot;
import io.slotferry.write.TargetNodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One lease per source instance, kept in the target: {@code slotferry:lease:{INSTANCE}} holds its
 * {@link LeaseHolder#value()} and expires after the lease time unless renewed. Two processes never
 * migrate the same instance at once: a process takes only instances nobody else holds
 * ({@code SET NX PX}, atomically in one script with the takeover of a crashed predecessor of the same host
 * and state directory), renews them while it runs (compare and {@code PEXPIRE}, atomically), and deletes
 * them when it stops cleanly (compare and {@code DEL}). A lease it could not renew for a whole lease time,
 * or that another holder took, is lost: its worker must stop.
 */
public final class InstanceLeases {
    private static final Logger LOG = Logger.getLogger(InstanceLeases.class.getName());
    /** Prefix of every lease key (one of the migrator's own keys: verify skips them, finish deletes them). */
    public static final String PREFIX = AppliedMarks.TOOL_PREFIX + "lease:";
    private static final byte[] EVAL = "EVAL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ONE = {'1'};
    private static final byte[] ACQUIRE = ("local cur = redis.call('GET', KEYS[1]) "
            + "if cur and cur ~= ARGV[1] and string.sub(cur, 1, string.len(ARGV[2])) ~= ARGV[2] then return cur end "
            + "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3]) "
            + "if cur and cur ~= ARGV[1] then return {cur} end "
            + "return 1").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RENEW = ("local cur = redis.call('GET', KEYS[1]) "
            + "if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end "
            + "return cur or ''").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RELEASE = ("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
            + "return 0").getBytes(StandardCharsets.US_ASCII);

    private final TargetNodes nodes;
    private final LeaseHolder holder;
    private final Duration ttl;
    /** Instances held, with the time (ms) of their last successful renewal. */
    private final Map<String, Long> held = new LinkedHashMap<>();

    public InstanceLeases(TargetNodes nodes, LeaseHolder holder, Duration ttl) {
        if (ttl.toMillis() < 1000) {
            throw new IllegalArgumentException("a lease time under a second cannot be renewed in time: " + ttl);
        }
        this.nodes = nodes;
        this.holder = holder;
        this.ttl = ttl;
    }

    /** The key of {@code instance}'s lease. */
    public static byte[] key(String instance) {
        return (PREFIX + "{" + instance + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** How often {@link #renew} should run: a third of the lease time. */
    public Duration renewEvery() {
        return ttl.dividedBy(3);
    }

    /**
     * Takes the lease of every instance, or none: when one is held by another process, the ones taken are
     * released and the refusal names that holder.
     *
     * @throws LeaseException an instance is leased by another process
     */
    public synchronized void acquire(List<String> instances) throws LeaseException, IOException, InterruptedException {
        for (String instance : instances) {
            byte[] key = key(instance);
            RespValue r = nodes.call(HashSlot.of(key), List.of(EVAL, ACQUIRE, ONE, key, bytes(holder.value()),
                    bytes(holder.takeoverPrefix()), bytes(Long.toString(ttl.toMillis()))));
            if (r instanceof RespValue.Integer) {
                held.put(instance, System.currentTimeMillis());
            } else if (r instanceof RespValue.Array a && a.items().size() == 1 && a.items().get(0) instanceof RespValue.Bulk b) {
                held.put(instance, System.currentTimeMillis());
                LOG.log(Level.INFO, "{0}: lease taken over from an earlier process of this host and state directory ({1})",
                        new Object[] {instance, text(b)});
            } else if (r instanceof RespValue.Bulk b) {
                release();
                throw new LeaseException(instance, "source " + instance + " is being migrated by another process (lease "
                        + new String(key, StandardCharsets.UTF_8) + " held by " + text(b) + ", for at most "
                        + ttl.toSeconds() + " s after that process stops renewing it); leave it to that process, or give this one"
                        + " other --instances or another --shard");
            } else {
                release();
                throw new IOException("taking the lease of " + instance + " on the target failed: " + r);
            }
        }
    }

    /**
     * Renews every lease held. Returns the instances whose lease is lost, each with why (another holder, or
     * no renewal for a whole lease time); they are no longer held and their workers must stop.
     */
    public synchronized Map<String, String> renew() throws InterruptedException {
        Map<String, String> lost = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : held.entrySet()) {
            String instance = e.getKey();
            byte[] key = key(instance);
            try {
                RespValue r = nodes.call(HashSlot.of(key), List.of(EVAL, RENEW, ONE, key, bytes(holder.value()),
                        bytes(Long.toString(ttl.toMillis()))));
                if (r instanceof RespValue.Integer) {
                    e.setValue(System.currentTimeMillis());
                    continue;
                }
                if (r instanceof RespValue.Bulk b) {
                    String now = text(b);
                    lost.put(instance, "its lease " + new String(key, StandardCharsets.UTF_8) + " is "
                            + (now.isEmpty() ? "gone (expired: not renewed in time)" : "held by " + now));
                    continue;
                }
                LOG.log(Level.WARNING, "{0}: renewing the lease failed: {1}", new Object[] {instance, r});
            } catch (IOException ex) {
                LOG.log(Level.WARNING, "{0}: renewing the lease failed: {1}", new Object[] {instance, ex.getMessage()});
            }
            if (System.currentTimeMillis() - e.getValue() >= ttl.toMillis()) {
                lost.put(instance, "its lease was not renewed for " + ttl.toSeconds() + " s (the target did not answer): another"
                        + " process may have taken it");
            }
        }
        held.keySet().removeAll(lost.keySet());
        return lost;
    }

    /** Deletes every lease still held (those another process took are left alone). Best effort: logs failures. */
    public synchronized void release() throws InterruptedException {
        for (String instance : held.keySet()) {
            byte[] key = key(instance);
            try {
                nodes.call(HashSlot.of(key), List.of(EVAL, RELEASE, ONE, key, bytes(holder.value())));
            } catch (IOException e) {
                LOG.log(Level.WARNING, "{0}: releasing the lease failed ({1}); it expires by itself", new Object[] {instance, e.getMessage()});
            }
        }
        held.clear();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(RespValue.Bulk b) {
        return b.bytes() == null ? "" : new String(b.bytes(), StandardCharsets.UTF_8);
    }
}
