package io.slotferry.lease;

import io.slotferry.replay.AppliedMarks;
import io.slotferry.resp.RespValue;
import io.slotferry.routing.HashSlot;
import io.slotferry.source.CodisDashboard;
import io.slotferry.source.DiscoveryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import io.slotferry.write.TargetNodes;

/**
 * The pause of a Codis dashboard's slot actions, shared by every process migrating its groups. Kept in the
 * target, under the product's hash tag so one script sees it whole:
 * <ul>
 *   <li>{@code slotferry:codis-freeze:{PRODUCT}}: the set of processes running ({@link LeaseHolder#member()});</li>
 *   <li>{@code slotferry:codis-freeze:{PRODUCT}:holder:MEMBER}: one per process, expiring after the lease time
 *       unless renewed (a member whose key expired is dropped from the set: a process killed with -9);</li>
 *   <li>{@code slotferry:codis-freeze:{PRODUCT}:paused}: set when the migrator paused the dashboard, so the
 *       last process to stop resumes it; a dashboard the operator paused is left paused.</li>
 * </ul>
 * A process joins before its workers start and renews while it runs (re-pausing a dashboard found resumed
 * meanwhile); when it stops, the last member to leave, and only it, resumes the dashboard.
 */
public final class CodisFreeze {
    private static final Logger LOG = Logger.getLogger(CodisFreeze.class.getName());
    private static final String PREFIX = AppliedMarks.TOOL_PREFIX + "codis-freeze:";
    private static final byte[] EVAL = "EVAL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SET = "SET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] THREE = {'3'};
    private static final String PRUNE = "for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do "
            + "if redis.call('EXISTS', ARGV[3] .. m) == 0 then redis.call('SREM', KEYS[1], m) end end ";
    private static final byte[] JOIN = (PRUNE + "redis.call('SADD', KEYS[1], ARGV[1]) "
            + "redis.call('SET', KEYS[2], '1', 'PX', ARGV[2]) "
            + "return redis.call('GET', KEYS[3]) or ''").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LEAVE = ("redis.call('SREM', KEYS[1], ARGV[1]) redis.call('DEL', KEYS[2]) " + PRUNE
            + "local n = redis.call('SCARD', KEYS[1]) "
            + "if n > 0 then return n end "
            + "if redis.call('GET', KEYS[3]) == '1' then redis.call('DEL', KEYS[3]) return -1 end "
            + "return 0").getBytes(StandardCharsets.US_ASCII);

    private final TargetNodes nodes;
    private final LeaseHolder holder;
    private final Duration ttl;
    private final List<Joined> joined = new ArrayList<>();

    private record Joined(CodisDashboard dashboard, String product) {
    }

    public CodisFreeze(TargetNodes nodes, LeaseHolder holder, Duration ttl) {
        this.nodes = nodes;
        this.holder = holder;
        this.ttl = ttl;
    }

    /**
     * Joins the freeze of {@code dashboard}, pausing its slot actions when nobody has.
     *
     * @throws DiscoveryException a slot action started before the pause took effect
     */
    public synchronized void join(CodisDashboard dashboard) throws IOException, InterruptedException {
        String product = dashboard.overview().productName();
        String paused = call(product, JOIN);
        joined.add(new Joined(dashboard, product));
        CodisDashboard.Overview o = dashboard.overview();
        if (!o.slotActionsDisabled()) {
            pause(dashboard, product, "paused for the run");
        } else if (paused.equals("1")) {
            LOG.log(Level.INFO, "Codis {0}: slot actions already paused by another migrate process; this one joins the pause",
                    dashboard.base());
        } else {
            LOG.log(Level.INFO, "Codis {0}: slot actions already paused by the operator: theirs to resume", dashboard.base());
        }
    }

    /** Renews this process's membership of every freeze joined; pauses again a dashboard found resumed. */
    public synchronized void renew() throws InterruptedException {
        for (Joined j : joined) {
            try {
                call(j.product(), JOIN);
                if (!j.dashboard().overview().slotActionsDisabled()) {
                    LOG.log(Level.WARNING, "Codis {0}: slot actions were resumed while this run goes; pausing them again",
                            j.dashboard().base());
                    pause(j.dashboard(), j.product(), "paused again");
                }
            } catch (IOException e) {
                LOG.log(Level.SEVERE, "Codis {0}: renewing the freeze failed: {1}", new Object[] {j.dashboard().base(), e.getMessage()});
            }
        }
    }

    /** Leaves every freeze joined; the last process to leave a freeze the migrator started resumes the dashboard. */
    public synchronized void leave() throws InterruptedException {
        for (Joined j : joined) {
            try {
                long left = Long.parseLong(call(j.product(), LEAVE));
                if (left == -1) {
                    j.dashboard().setSlotActionsDisabled(j.product(), false);
                    LOG.log(Level.INFO, "Codis {0}: slot actions resumed (the last migrate process of the fleet stopped)",
                            j.dashboard().base());
                } else if (left > 0) {
                    LOG.log(Level.INFO, "Codis {0}: slot actions stay paused: {1} other migrate process(es) still run",
                            new Object[] {j.dashboard().base(), Long.toString(left)});
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.SEVERE, "Codis {0}: could not leave the freeze or resume slot actions ({1}); once every migrate"
                        + " process stopped, resume them with codis-admin --dashboard=ADDR --slot-action --disabled=0",
                        new Object[] {j.dashboard().base(), e.getMessage()});
            }
        }
        joined.clear();
    }

    private void pause(CodisDashboard dashboard, String product, String what) throws IOException, InterruptedException {
        byte[] pausedKey = bytes(PREFIX + "{" + product + "}:paused");
        RespValue r = nodes.call(HashSlot.of(pausedKey), List.of(SET, pausedKey, new byte[] {'1'}));
        if (r instanceof RespValue.Error e) {
            throw new IOException("recording the Codis freeze on the target failed: " + e.message());
        }
        dashboard.setSlotActionsDisabled(product, true);
        LOG.log(Level.INFO, "Codis {0}: slot actions {1}", new Object[] {dashboard.base(), what});
        String unsafe = dashboard.overview().unsafeToStart(); // one may have started between discovery and the pause
        if (unsafe != null) {
            throw new DiscoveryException("Codis " + dashboard.base() + ": " + unsafe);
        }
    }

    private String call(String product, byte[] script) throws IOException, InterruptedException {
        String tag = PREFIX + "{" + product + "}";
        byte[] set = bytes(tag);
        RespValue r = nodes.call(HashSlot.of(set), List.of(EVAL, script, THREE, set, bytes(tag + ":holder:" + holder.member()),
                bytes(tag + ":paused"), bytes(holder.member()), bytes(Long.toString(ttl.toMillis())), bytes(tag + ":holder:")));
        if (r instanceof RespValue.Bulk b) {
            return b.bytes() == null ? "" : new String(b.bytes(), StandardCharsets.UTF_8);
        }
        if (r instanceof RespValue.Integer n) {
            return Long.toString(n.value());
        }
        throw new IOException("the Codis freeze of " + product + " on the target: " + r);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
