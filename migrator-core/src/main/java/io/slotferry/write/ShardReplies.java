package io.slotferry.write;

import io.slotferry.resp.RedisConnection;
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
 */
final class ShardReplies {
    private static final Logger LOG = Logger.getLogger(ShardReplies.class.getName());

    private final ShardPipeline pipe;
    private final InDoubt inDoubt;

    ShardReplies(ShardPipeline pipe, InDoubt inDoubt) {
        this.pipe = pipe;
        this.inDoubt = inDoubt;
    }

    /** Reads replies of {@code c} until it fails or is replaced. */
    void readLoop(RedisConnection c) {
        while (!pipe.closed) {
            RespValue r;
            try {
                r = c.reader().read();
            } catch (SocketTimeoutException e) {
                synchronized (pipe.lock) {
                    if (c != pipe.conn) {
                        return;
                    }
                    if (pipe.sent.isEmpty()) {
                        continue;
                    }
                }
                pipe.markBroken(c, new IOException("no reply for " + pipe.owner.options().replyTimeout().toSeconds() + " s"));
                return;
            } catch (IOException e) {
                pipe.markBroken(c, e);
                return;
            }
            Pending p;
            synchronized (pipe.lock) {
                if (c != pipe.conn) {
                    return;
                }
                p = pipe.sent.peekFirst();
                if (p == null) {
                    pipe.markBrokenLocked(c, new IOException("a reply nothing was waiting for: " + r));
                    return;
                }
                p.replies.add(r);
                if (p.replies.size() < p.expectedReplies()) {
                    continue;
                }
            }
            try {
                complete(p); // still at the head of 'sent': a retry cannot overtake it
            } catch (RuntimeException e) {
                pipe.owner.fail("handling the reply to " + p.describe() + " failed: " + e, e);
                return;
            }
            synchronized (pipe.lock) {
                if (pipe.sent.peekFirst() == p) {
                    pipe.sent.pollFirst();
                }
                boolean wake = pipe.sent.isEmpty() || p.kind != Pending.Kind.WRITE;
                if (p.kind == Pending.Kind.WRITE && pipe.holds.releaseKey(p.write)) {
                    wake = true;
                }
                if (wake) {
                    pipe.lock.notifyAll(); // the sender waits for these; other replies need no wake-up
                }
            }
        }
    }

    private void complete(Pending p) {
        switch (p.kind) {
            case WAIT -> confirmed(p.replies.get(0));
            case PROBE -> inDoubt.answered(p);
            case WRITE -> completeWrite(p);
            default -> throw new IllegalStateException(p.kind.toString());
        }
    }

    private void completeWrite(Pending p) {
        Outcome outcome = Replies.classify(p.replies, p.asking, p.write.transaction());
        synchronized (pipe.lock) {
            if (pipe.holds.slotHeld(p.write.slot())
                    && !(outcome instanceof Outcome.Applied && staysApplied(p.write.probe()))) {
                // An earlier write of this slot failed and will be re-sent: this one follows it (an
                // idempotent one that applied is applied again after it). A non-idempotent one that
                // applied stays applied: it is of another key, as a key has one such write in flight.
                pipe.holds.follow(p);
                return;
            }
        }
        ShardOwner owner = pipe.owner;
        if (outcome instanceof Outcome.Applied) {
            pipe.applied(p);
        } else if (outcome instanceof Outcome.Moved m) {
            owner.redirected(p, m.host().isEmpty() ? pipe.endpoint.host() : m.host(), m.port(), false);
        } else if (outcome instanceof Outcome.Ask a) {
            owner.redirected(p, a.host().isEmpty() ? pipe.endpoint.host() : a.host(), a.port(), true);
        } else if (outcome instanceof Outcome.Transient t) {
            transientFault(p, t);
        } else if (outcome instanceof Outcome.DataError d && superseded(p, d.reply())) {
            owner.superseded(p, d.reply());
        } else if (outcome instanceof Outcome.DataError d) {
            owner.refused(p, d.reply());
        } else if (outcome instanceof Outcome.Fatal f) {
            owner.fail(p.describe() + " on " + pipe.address + ": " + f.reply(), null);
        }
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

    private void transientFault(Pending p, Outcome.Transient t) {
        WriterOptions options = pipe.owner.options();
        if (p.firstFaultNanos == 0) {
            p.firstFaultNanos = System.nanoTime();
        } else if (System.nanoTime() - p.firstFaultNanos > options.giveUpAfter().toNanos()) {
            pipe.owner.fail(p.describe() + " still fails after " + options.giveUpAfter().toSeconds() + " s: " + t.reply(), null);
            return;
        }
        synchronized (pipe.lock) {
            pipe.holds.retry(p, t.reply());
            if (t.reply().startsWith("READONLY")) {
                pipe.reconnectWanted = true; // connected to a replica (a standalone target failed over): reconnect
            }
            pipe.lock.notifyAll();
        }
    }

    private void confirmed(RespValue reply) {
        List<Pending> done;
        synchronized (pipe.lock) {
            done = new ArrayList<>(pipe.unconfirmed);
            pipe.unconfirmed.clear();
            pipe.waitOutstanding = false;
            pipe.lock.notifyAll();
        }
        if (!(reply instanceof RespValue.Integer n) || n.value() < 1) {
            // No replica confirmed within the timeout: none is in sync, so none could be promoted with
            // fewer of our writes than the primary has. Count it; do not stall the migration on it.
            if (pipe.owner.counters().waitTimeouts.incrementAndGet() % 100 == 1) {
                LOG.warning("no replica of " + pipe.address + " confirmed our writes within "
                        + pipe.owner.options().waitTimeout().toMillis() + " ms (WAIT answered " + reply
                        + "); a failover now could lose the latest writes");
            }
        }
        for (Pending p : done) {
            pipe.owner.settle(p);
        }
    }
}
