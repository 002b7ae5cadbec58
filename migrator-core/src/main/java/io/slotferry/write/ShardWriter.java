package io.slotferry.write;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The pipelined writer of one primary: a sender thread (this class) writes queued entries in order,
 * in batches, with a {@code WAIT} when the primary has replicas; a reader thread
 * ({@link ShardReplies}) matches replies to them in the same order. Writes leave it in one of four
 * ways: settled (applied and, when the primary has replicas, confirmed by {@code WAIT}), refused
 * (data error), redirected to another writer ({@code MOVED}/{@code ASK}), or put back at the head of
 * the queue (transient fault, lost connection: {@link ShardConnection}, {@link InDoubt}).
 *
 * <p>Order: entries of one slot are sent in queue order and re-sent in that order after a fault;
 * a transient fault holds every later write of the same slot until the failed one is re-sent
 * ({@link ShardHolds}). After a lost connection everything sent but not confirmed is in doubt:
 * idempotent writes are sent again, others are probed first ({@link Write.Probe}).
 */
final class ShardWriter {
    private static final Logger LOG = Logger.getLogger(ShardWriter.class.getName());
    private static final int BATCH_ENTRIES = 1024;
    private static final int BATCH_BYTES = 1 << 20;
    private static final long WAIT_EVERY_BYTES = 4L << 20;
    /** How long an idle sender parks before it looks again (a wake-up ends it sooner). */
    static final long IDLE_PARK_NANOS = 250_000_000L;
    /** A moment for a fuller batch while the server still has plenty to do (what {@code Object.wait(0, 500_000)} waited). */
    private static final long FILL_PARK_NANOS = 1_000_000L;

    private final ShardPipeline pipe;
    private final InDoubt inDoubt;
    private final ShardConnection connection;
    private final Batch batch;
    private final Thread sender;
    final String address;
    /** The sender's own: the batch to send next waits a moment to fill up ({@link #awaitSendable} decides). */
    private boolean fuller;

    ShardWriter(ShardOwner owner, RedisEndpoint endpoint) {
        this.pipe = new ShardPipeline(owner, endpoint);
        this.inDoubt = new InDoubt(pipe);
        this.connection = new ShardConnection(pipe, new ShardReplies(pipe, inDoubt), inDoubt);
        this.address = pipe.address;
        this.batch = new Batch(Batch.initialFor(owner.options().maxInFlightBytes()));
        this.sender = new Thread(this::sendLoop, "slotferry-writer-" + address);
        sender.setDaemon(true);
        pipe.sender(sender);
        sender.start();
    }

    ShardPipeline pipeline() {
        return pipe;
    }

    /** Appends an entry (one redirected here, or forwarded): handed over at once. */
    void enqueue(Pending p) {
        pipe.enqueue(p);
    }

    /** Stages a new write of the submitting thread; true when a batch is full ({@link #handOver} it). */
    boolean stage(Pending p) {
        return pipe.stage(p);
    }

    /** True when the submitting thread has staged writes not handed over yet. */
    boolean staged() {
        return pipe.staged();
    }

    /** Hands the submitting thread's staged writes to the sender. */
    void handOver() {
        pipe.handOver();
    }

    void close() {
        pipe.closed = true;
        pipe.wakeSender();
        sender.interrupt();
        closeConnection();
    }

    private void closeConnection() {
        RedisConnection c = pipe.conn;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void sendLoop() {
        try {
            while (!pipe.closed && !pipe.owner.failed()) {
                if (pipe.conn == null && !pipe.forwarding) {
                    if (!connection.connectOrForward()) {
                        return;
                    }
                    continue;
                }
                if (pipe.forwarding) {
                    connection.forwardQueued();
                    continue;
                }
                sendBatch();
            }
        } catch (InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            pipe.owner.fail("writer for " + address + " failed: " + e, e);
        } finally {
            closeConnection();
        }
    }

    private void sendBatch() throws InterruptedException {
        if (!awaitSendable()) {
            return;
        }
        if (fuller) {
            awaitFullerBatch();
        }
        List<Pending> entries = null;
        RedisConnection c;
        Pending probeFor = null;
        IOException drop = null;
        long pause = 0;
        synchronized (pipe.lock) {
            pipe.takeIncoming();
            if (pipe.closed) {
                return;
            }
            c = pipe.conn;
            if (pipe.broken != null || pipe.reconnectWanted) {
                drop = pipe.broken != null ? pipe.broken : new IOException("the node answered READONLY");
                pipe.reconnectWanted = false;
            } else if (pipe.holds.retrying()) {
                if (!pipe.sent.isEmpty()) {
                    return; // a fault came while the lock was free: its pipeline drains first
                }
                pause = requeueRetries();
            } else {
                Pending head = pipe.queue.peekFirst();
                if (head != null && head.inDoubt && head.write.probe() != null) {
                    probeFor = pipe.queue.pollFirst();
                } else {
                    entries = nextBatch();
                }
            }
        }
        inDoubt.settleDecided();
        if (drop != null) {
            connection.drop(drop);
        } else if (pause > 0) {
            pauseRetry(pause);
        } else if (probeFor != null) {
            inDoubt.probe(c, probeFor);
        } else if (entries != null && !entries.isEmpty()) {
            // encoded outside the lock: the reply reader keeps going meanwhile
            batch.clear();
            for (Pending p : entries) {
                p.writeTo(batch);
            }
            try {
                c.send(batch.buffer(), 0, batch.size());
            } catch (IOException e) {
                pipe.markBroken(c, e);
            }
        }
    }

    /**
     * Parks until there is something to do (or the connection broke, or the writer closes); false
     * when closing. Parks outside the lock: whoever makes the pipeline sendable wakes it.
     */
    private boolean awaitSendable() throws InterruptedException {
        while (true) {
            synchronized (pipe.lock) {
                pipe.takeIncoming();
                if (pipe.closed) {
                    return false;
                }
                if (pipe.broken != null || pipe.reconnectWanted || sendable()) {
                    fuller = pipe.broken == null && !pipe.reconnectWanted && !pipe.holds.retrying()
                            && pipe.queue.size() < BATCH_ENTRIES / 4 && pipe.sent.size() >= BATCH_ENTRIES / 2;
                    return true;
                }
                pipe.senderWaiting = true; // set before the last look: a hand-off or reply then sees it and wakes us
                pipe.takeIncoming();
                if (sendable()) {
                    pipe.senderWaiting = false;
                    fuller = false;
                    return true;
                }
            }
            pipe.park(IDLE_PARK_NANOS);
            pipe.senderWaiting = false;
        }
    }

    /**
     * The server still has plenty to do: a moment's wait makes a fuller batch (fewer system calls on
     * both sides) without leaving it idle: {@link #FILL_PARK_NANOS} in all, as long as something is in
     * flight (a wake-up left over from an earlier wait does not cut it short, but the state is looked at).
     */
    private void awaitFullerBatch() throws InterruptedException {
        long until = System.nanoTime() + FILL_PARK_NANOS;
        long left;
        while ((left = until - System.nanoTime()) > 0) {
            pipe.park(left);
            synchronized (pipe.lock) {
                if (pipe.sent.isEmpty() || pipe.broken != null || pipe.closed) {
                    return;
                }
            }
        }
    }

    /** Takes queued writes up to the batch limits (stopping before one that must wait) and a WAIT when due. */
    private List<Pending> nextBatch() {
        List<Pending> entries = new ArrayList<>(Math.min(pipe.queue.size() + 1, BATCH_ENTRIES + 1));
        long bytes = 0;
        while (!pipe.queue.isEmpty() && entries.size() < BATCH_ENTRIES && bytes < BATCH_BYTES) {
            Pending p = pipe.queue.peekFirst();
            InDoubt.Decision d = inDoubt.decide(p);
            if (d == InDoubt.Decision.SETTLED) {
                continue;
            }
            if (d == InDoubt.Decision.PROBE) {
                break; // probed once everything before it is answered
            }
            if (!pipe.holds.claimKey(p.write)) {
                break; // one non-idempotent write per key in flight: a fault can then never reorder them
            }
            pipe.queue.pollFirst();
            p.inDoubt = false;
            p.replies.clear();
            entries.add(p);
            pipe.sent.addLast(p);
            pipe.sentSinceWait += p.bytes();
            bytes += p.bytes();
        }
        if (pipe.replicas > 0 && !pipe.waitOutstanding && pipe.sentSinceWait > 0
                && (pipe.queue.isEmpty() || pipe.sentSinceWait >= WAIT_EVERY_BYTES)) {
            Pending w = Pending.waitFor(pipe.replicas, pipe.owner.options().waitTimeout().toMillis());
            entries.add(w);
            pipe.sent.addLast(w);
            pipe.waitOutstanding = true;
            pipe.sentSinceWait = 0;
        }
        return entries;
    }

    /** Every reply of the pipeline is in: the failed writes go back to the head; returns the pause before re-sending (ms). */
    private long requeueRetries() {
        String why = pipe.holds.retryReason();
        List<Pending> again = pipe.holds.takeRetries();
        for (int i = again.size() - 1; i >= 0; i--) {
            pipe.queue.addFirst(again.get(i));
        }
        pipe.owner.counters().retried.addAndGet(again.size());
        long pause = backoffMillis(again.get(0));
        LOG.fine(() -> address + ": " + why + "; re-sending " + again.size() + " writes in " + pause + " ms");
        return pause;
    }

    /** The pause before re-sending after a transient fault (cut short when the connection breaks or the writer closes). */
    private void pauseRetry(long millis) throws InterruptedException {
        long until = System.nanoTime() + millis * 1_000_000L;
        long left;
        while ((left = until - System.nanoTime()) > 0 && !pipe.closed) {
            synchronized (pipe.lock) {
                if (pipe.broken != null) {
                    return;
                }
            }
            pipe.park(left);
        }
    }

    /** Something to do: queued writes, a WAIT due, or a retry whose pipeline has drained. */
    private boolean sendable() {
        if (pipe.holds.retrying()) {
            return pipe.sent.isEmpty();
        }
        if (!pipe.queue.isEmpty()) {
            Pending head = pipe.queue.peekFirst();
            if (pipe.holds.keyBusy(head.write)) {
                return false;
            }
            if (inDoubt.decidedByMark(head)) {
                return true;
            }
            return !(head.inDoubt && head.write.probe() != null && (!pipe.sent.isEmpty() || pipe.waitOutstanding));
        }
        return pipe.replicas > 0 && !pipe.waitOutstanding && pipe.sentSinceWait > 0;
    }

    private static long backoffMillis(Pending p) {
        long since = p.firstFaultNanos == 0 ? 0 : (System.nanoTime() - p.firstFaultNanos) / 1_000_000;
        return Math.max(20, Math.min(1000, since / 4 + 20));
    }
}
