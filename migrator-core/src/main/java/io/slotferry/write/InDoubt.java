package io.slotferry.write;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RespValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Recovery of the writes a lost connection left in doubt: they go back to the head of the queue, in
 * order; idempotent ones are sent again, the others are probed first ({@link Write.Probe}) once
 * everything before them is answered. A slot's applied mark read once decides the slot's other
 * in-doubt writes without another round trip.
 */
final class InDoubt {
    /** What the sender does with an in-doubt write at the head of the queue. */
    enum Decision {
        /** Send it (not in doubt, idempotent, or found not applied by its slot's mark). */
        SEND,
        /** Found applied by its slot's mark: taken from the queue, settled once the lock is released. */
        SETTLED,
        /** Its probe must answer first, once everything before it is answered. */
        PROBE
    }

    private final ShardPipeline pipe;
    /**
     * Applied marks read since the connection was last lost ({@link Write.Probe.Mark}), by mark key;
     * empty for a slot without a mark. What the lost connection wrote is final once it is read.
     */
    private final Map<ByteBuffer, Optional<byte[]>> markSeen = new HashMap<>();
    /** In-doubt writes decided applied by {@link #markSeen} while a batch was taken: settled after the lock. */
    private final List<Pending> settleNow = new ArrayList<>();

    InDoubt(ShardPipeline pipe) {
        this.pipe = pipe;
    }

    /** Decides the head of the queue {@code p} (holding the lock). */
    Decision decide(Pending p) {
        if (p.inDoubt && p.write.probe() instanceof Write.Probe.Mark m && markSeen.containsKey(ByteBuffer.wrap(m.key()))) {
            // its slot's mark was read since the connection was lost: decided without another round trip
            if (m.applied(markSeen.get(ByteBuffer.wrap(m.key())).orElse(null))) {
                pipe.queue.pollFirst();
                p.inDoubt = false;
                settleNow.add(p);
                return Decision.SETTLED;
            }
            p.resent = true;
            return Decision.SEND;
        }
        return p.inDoubt && p.write.probe() != null ? Decision.PROBE : Decision.SEND;
    }

    /** True when the in-doubt {@code head} is decided by a mark already read (holding the lock). */
    boolean decidedByMark(Pending head) {
        return head.inDoubt && head.write.probe() instanceof Write.Probe.Mark m && markSeen.containsKey(ByteBuffer.wrap(m.key()));
    }

    /** Settles the in-doubt writes {@link #decide} found applied by their slot's mark (not holding the lock). */
    void settleDecided() {
        List<Pending> done;
        synchronized (pipe.lock) {
            if (settleNow.isEmpty()) {
                return;
            }
            done = new ArrayList<>(settleNow);
            settleNow.clear();
        }
        pipe.owner.counters().probed.addAndGet(done.size());
        for (Pending p : done) {
            pipe.applied(p);
        }
    }

    /**
     * Puts everything sent, unconfirmed or waiting for a retry back at the head of the queue, in
     * order, in doubt (holding the lock, the connection closed and its reader ended); returns how many.
     */
    int requeue() {
        pipe.takeIncoming();
        List<Pending> back = new ArrayList<>(pipe.unconfirmed.size() + pipe.sent.size());
        back.addAll(pipe.unconfirmed);
        for (Pending p : pipe.sent) {
            if (p.kind == Pending.Kind.WRITE) {
                back.add(p);
            } else if (p.kind == Pending.Kind.PROBE) {
                back.add(p.subject);
            }
        }
        for (Pending p : pipe.holds.clear()) {
            if (!back.contains(p)) {
                back.add(p);
            }
        }
        pipe.unconfirmed.clear();
        pipe.sent.clear();
        markSeen.clear();
        for (Pending p : back) {
            p.inDoubt = true;
            p.replies.clear();
        }
        for (int i = back.size() - 1; i >= 0; i--) {
            pipe.queue.addFirst(back.get(i));
        }
        pipe.waitOutstanding = false;
        pipe.sentSinceWait = 0;
        pipe.broken = null;
        pipe.probeAnswer = null;
        return back.size(); // called by the sender itself: no one to wake
    }

    /**
     * Sends {@code p}'s probe (everything before it is answered) and acts on the answer: applied
     * (settle it), not applied (send it), moved (it follows the slot). Anything else stops.
     */
    void probe(RedisConnection c, Pending p) throws InterruptedException {
        Pending probe = Pending.probe(p);
        probe.asking = p.asking;
        Batch out = new Batch();
        probe.writeTo(out);
        synchronized (pipe.lock) {
            pipe.sent.addLast(probe);
            pipe.probeAnswer = null;
        }
        try {
            c.send(out.buffer(), 0, out.size());
        } catch (IOException e) {
            pipe.markBroken(c, e); // the probe is in 'sent': dropping the connection puts p back, in doubt
            return;
        }
        Object answer;
        while (true) {
            synchronized (pipe.lock) {
                if (pipe.probeAnswer != null || pipe.broken != null || pipe.closed || c != pipe.conn) {
                    answer = pipe.probeAnswer;
                    pipe.probeAnswer = null;
                    break;
                }
            }
            pipe.park(ShardWriter.IDLE_PARK_NANOS); // the reader wakes us with the answer, a break with its fault
        }
        if (answer == null) {
            return; // connection lost or closing: p is back in the queue via the probe entry
        }
        pipe.owner.counters().probed.incrementAndGet();
        if (p.write.probe() instanceof Write.Probe.Mark mark && !(answer instanceof Outcome)) {
            markProbed(p, mark, answer);
            return;
        }
        Write.Probe.Length spec = (Write.Probe.Length) p.write.probe();
        if (answer instanceof Outcome.Moved m) {
            pipe.owner.redirected(p, m.host().isEmpty() ? pipe.endpoint.host() : m.host(), m.port(), false);
        } else if (answer instanceof Outcome.Ask a) {
            pipe.owner.redirected(p, a.host().isEmpty() ? pipe.endpoint.host() : a.host(), a.port(), true);
        } else if (answer instanceof Long v && v >= spec.appliedWhen()) {
            p.inDoubt = false;
            pipe.applied(p);
        } else if (answer instanceof Long v && v == spec.notAppliedWhen()) {
            p.inDoubt = false;
            synchronized (pipe.lock) {
                pipe.queue.addFirst(p);
            }
        } else {
            pipe.owner.fail("cannot tell whether " + p.describe() + " was applied before the connection to " + pipe.address
                    + " was lost: its probe answered " + answer + ", expected " + spec.appliedWhen() + " (applied) or "
                    + spec.notAppliedWhen() + " (not applied); the key changed on the target during the migration", null);
        }
    }

    /** Acts on the answer to {@code p}'s mark probe, and remembers the mark for the slot's other in-doubt writes. */
    private void markProbed(Pending p, Write.Probe.Mark mark, Object answer) {
        byte[] value;
        if (answer instanceof RespValue.Bulk b) {
            value = b.bytes();
        } else {
            pipe.owner.fail("cannot tell whether " + p.describe() + " was applied before the connection to " + pipe.address
                    + " was lost: reading its slot's applied mark answered " + answer, null);
            return;
        }
        synchronized (pipe.lock) {
            markSeen.put(ByteBuffer.wrap(mark.key()), Optional.ofNullable(value));
        }
        p.inDoubt = false;
        if (mark.applied(value)) {
            pipe.applied(p);
        } else {
            p.resent = true;
            synchronized (pipe.lock) {
                pipe.queue.addFirst(p);
            }
        }
    }

    /** The reader has every reply to a probe entry: hands its answer to {@link #probe}. */
    void answered(Pending probe) {
        Outcome o = Replies.classify(probe.replies, probe.asking, false);
        RespValue last = probe.replies.get(probe.replies.size() - 1);
        Object answer;
        if (o instanceof Outcome.Applied) {
            answer = last instanceof RespValue.Integer n ? (Object) n.value() : last;
        } else if (o instanceof Outcome.Moved || o instanceof Outcome.Ask) {
            answer = o;
        } else {
            answer = last;
        }
        synchronized (pipe.lock) {
            pipe.probeAnswer = answer;
        }
        pipe.wakeSender(); // the sender waits for it in probe()
    }
}
