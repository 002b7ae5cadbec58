package io.slotferry.write;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RespReader;
import io.slotferry.resp.RespValue;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The reply reader of one primary's connection, on its own thread: matches replies to the entries
 * sent, in order, and dispatches each write's outcome: settled (applied, and confirmed by
 * {@code WAIT} when the primary has replicas), refused (data error), redirected ({@code MOVED} or
 * {@code ASK}), or held for a retry (transient fault).
 *
 * <p>Replies are taken a socket read at a time: every whole reply already in the reader's buffer
 * (up to {@link #MAX_REPLIES}) is matched and decided under one taking of the pipeline's lock, which
 * is where the pipeline's state changes (sent, holds, unconfirmed, the probe's answer). What leaves the
 * pipeline (settling, redirects, refusals, a stop) is done after the lock is released, in reply order,
 * the settled writes of a run together ({@link ShardOwner#settle(List)}).
 */
final class ShardReplies {
    private static final Logger LOG = Logger.getLogger(ShardReplies.class.getName());
    /** Replies matched under one taking of the lock at most (they are all in memory already). */
    static final int MAX_REPLIES = 512;

    private final ShardPipeline pipe;
    private final InDoubt inDoubt;

    ShardReplies(ShardPipeline pipe, InDoubt inDoubt) {
        this.pipe = pipe;
        this.inDoubt = inDoubt;
    }

    /**
     * Writes whose replies are all in and that leave this pipeline, and what happens to each (after the
     * lock), side by side; the reader thread's own, reused from one read to the next.
     */
    private static final class Done {
        final List<Pending> writes = new ArrayList<>(MAX_REPLIES);
        final List<Outcome> outcomes = new ArrayList<>(MAX_REPLIES);
        final List<Pending> settled = new ArrayList<>(MAX_REPLIES);

        void add(Pending p, Outcome o) {
            writes.add(p);
            outcomes.add(o);
        }

        void clear() {
            writes.clear();
            outcomes.clear();
        }
    }

    /** Reads replies of {@code c} until it fails or is replaced. */
    void readLoop(RedisConnection c) {
        RespReader in = c.reader();
        List<RespValue> read = new ArrayList<>(MAX_REPLIES);
        Done done = new Done();
        while (!pipe.closed) {
            IOException fault = null;
            read.clear();
            try {
                do {
                    read.add(in.read());
                } while (in.buffered() > 0 && read.size() < MAX_REPLIES);
            } catch (IOException e) {
                fault = e; // the whole replies read before it are still matched
            }
            done.clear();
            try {
                boolean go = read.isEmpty() || match(c, read, done);
                leave(done);
                if (!go) {
                    return;
                }
            } catch (RuntimeException e) {
                pipe.owner.fail("handling a reply from " + pipe.address + " failed: " + e, e);
                return;
            }
            if (fault != null && !timedOutIdle(c, fault)) {
                return;
            }
        }
    }

    /** A read failed: false when the connection is done for, true when it only timed out with nothing sent. */
    private boolean timedOutIdle(RedisConnection c, IOException fault) {
        if (fault instanceof SocketTimeoutException) {
            synchronized (pipe.lock) {
                if (c != pipe.conn) {
                    return false;
                }
                if (pipe.sent.isEmpty()) {
                    return true;
                }
            }
            fault = new IOException("no reply for " + pipe.owner.options().replyTimeout().toSeconds() + " s");
        }
        pipe.markBroken(c, fault);
        return false;
    }

    /**
     * Matches {@code replies} to the entries sent, in order, under one taking of the lock, and collects
     * what leaves the pipeline into {@code done}; false when reading must stop (the connection was
     * replaced, or a reply came that nothing waited for).
     */
    private boolean match(RedisConnection c, List<RespValue> replies, Done done) {
        boolean wake = false;
        boolean go = true;
        synchronized (pipe.lock) {
            if (c != pipe.conn) {
                return false;
            }
            for (int i = 0, n = replies.size(); i < n; i++) {
                Pending p = pipe.sent.peekFirst();
                if (p == null) {
                    pipe.markBrokenLocked(c, new IOException("a reply nothing was waiting for: " + replies.get(i)));
                    go = false;
                    break;
                }
                p.replies.add(replies.get(i));
                if (p.replies.size() < p.expectedReplies()) {
                    continue;
                }
                pipe.sent.pollFirst();
                switch (p.kind) {
                    case WAIT -> {
                        confirmed(p.replies.get(0), done);
                        wake = true;
                    }
                    case PROBE -> inDoubt.answered(p);
                    case WRITE -> wake |= completeWrite(p, done) | pipe.holds.releaseKey(p.write);
                    default -> throw new IllegalStateException(p.kind.toString());
                }
            }
            wake |= pipe.sent.isEmpty();
        }
        if (wake && pipe.senderWaiting) {
            pipe.wakeSender(); // the sender waits for these; other replies need no wake-up
        }
        return go;
    }

    /** Decides a write whose replies are all in (holding the lock); true when the sender has something new to do. */
    private boolean completeWrite(Pending p, Done done) {
        Outcome outcome = Replies.classify(p.replies, p.asking, p.write.transaction());
        if (pipe.holds.slotHeld(p.write.slot()) && !(outcome instanceof Outcome.Applied && staysApplied(p.write.probe()))) {
            // An earlier write of this slot failed and will be re-sent: this one follows it (an
            // idempotent one that applied is applied again after it). A non-idempotent one that
            // applied stays applied: it is of another key, as a key has one such write in flight.
            pipe.holds.follow(p);
            return false;
        }
        if (outcome instanceof Outcome.Applied && pipe.replicas > 0) {
            pipe.unconfirmed.addLast(p); // settled once a WAIT confirms it
            pipe.sentSinceWait = Math.max(pipe.sentSinceWait, 1); // a WAIT is due even if nothing else is sent
            return true;
        }
        if (outcome instanceof Outcome.Transient t) {
            return transientFault(p, t, done);
        }
        if (outcome instanceof Outcome.Fatal f) {
            outcome = new Outcome.Fatal(p.describe() + " on " + pipe.address + ": " + f.reply());
        }
        done.add(p, outcome);
        return false;
    }

    /** A write that must not be sent again once applied: a length-probed chunk, or a marked stream write. */
    private static boolean staysApplied(Write.Probe probe) {
        return probe instanceof Write.Probe.Length || probe instanceof Write.Probe.Mark m && !m.replaySafe();
    }

    /**
     * A replay-safe stream write applied again (after a restart, or re-sent after a lost connection) that
     * met a key whose type a later write changed: that later write, applied again after it, decides the
     * key (see {@link io.slotferry.command.ReplaySafety}). Only then is {@code WRONGTYPE} not a data error.
     */
    private static boolean superseded(Pending p, String reply) {
        return reply.startsWith("WRONGTYPE") && p.write.probe() instanceof Write.Probe.Mark m && m.replaySafe()
                && (m.reapplied() || p.resent);
    }

    /** Holds {@code p} for a retry (holding the lock), or stops the writer when it has failed for too long. */
    private boolean transientFault(Pending p, Outcome.Transient t, Done done) {
        WriterOptions options = pipe.owner.options();
        if (p.firstFaultNanos == 0) {
            p.firstFaultNanos = System.nanoTime();
        } else if (System.nanoTime() - p.firstFaultNanos > options.giveUpAfter().toNanos()) {
            done.add(p, new Outcome.Fatal(p.describe() + " still fails after " + options.giveUpAfter().toSeconds()
                    + " s: " + t.reply()));
            return false;
        }
        pipe.holds.retry(p, t.reply());
        if (t.reply().startsWith("READONLY")) {
            pipe.reconnectWanted = true; // connected to a replica (a standalone target failed over): reconnect
        }
        return true;
    }

    /** A WAIT answered (holding the lock): the writes applied before it leave the pipeline, settled. */
    private void confirmed(RespValue reply, Done done) {
        for (Pending p : pipe.unconfirmed) {
            done.add(p, Outcome.APPLIED);
        }
        pipe.unconfirmed.clear();
        pipe.waitOutstanding = false;
        if (!(reply instanceof RespValue.Integer n) || n.value() < 1) {
            // No replica confirmed within the timeout: none is in sync, so none could be promoted with
            // fewer of our writes than the primary has. Count it; do not stall the migration on it.
            if (pipe.owner.counters().waitTimeouts.incrementAndGet() % 100 == 1) {
                LOG.warning("no replica of " + pipe.address + " confirmed our writes within "
                        + pipe.owner.options().waitTimeout().toMillis() + " ms (WAIT answered " + reply
                        + "); a failover now could lose the latest writes");
            }
        }
    }

    /**
     * What leaves the pipeline, in reply order (not holding the lock): runs of settled writes together,
     * the others one by one.
     */
    private void leave(Done done) {
        ShardOwner owner = pipe.owner;
        List<Pending> settled = done.settled;
        settled.clear();
        for (int i = 0, n = done.writes.size(); i < n; i++) {
            Pending p = done.writes.get(i);
            Outcome outcome = done.outcomes.get(i);
            if (outcome instanceof Outcome.Applied) {
                settled.add(p);
                continue;
            }
            if (!settled.isEmpty()) {
                owner.settle(settled);
                settled.clear();
            }
            if (outcome instanceof Outcome.Moved m) {
                owner.redirected(p, m.host().isEmpty() ? pipe.endpoint.host() : m.host(), m.port(), false);
            } else if (outcome instanceof Outcome.Ask a) {
                owner.redirected(p, a.host().isEmpty() ? pipe.endpoint.host() : a.host(), a.port(), true);
            } else if (outcome instanceof Outcome.DataError d && superseded(p, d.reply())) {
                owner.superseded(p, d.reply());
            } else if (outcome instanceof Outcome.DataError d) {
                owner.refused(p, d.reply());
            } else if (outcome instanceof Outcome.Fatal f) {
                owner.fail(f.reply(), null);
            } else {
                throw new IllegalStateException("no way out of the pipeline for " + outcome);
            }
        }
        if (!settled.isEmpty()) {
            owner.settle(settled);
            settled.clear();
        }
    }
}
