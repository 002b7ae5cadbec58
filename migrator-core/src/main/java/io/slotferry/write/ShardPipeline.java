package io.slotferry.write;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The state of one primary's pipeline, shared by the jobs of its writer (the sender
 * {@link ShardWriter}, the reply reader {@link ShardReplies}, the connection keeper
 * {@link ShardConnection} and the in-doubt recovery {@link InDoubt}); every field not marked
 * otherwise is guarded by {@link #lock}. Entries move {@code incoming → queue → sent → settled}, or
 * to {@code unconfirmed} until a {@code WAIT} confirms them when the primary has replicas.
 *
 * <p>Only the sender waits, and never on the lock's monitor: it parks ({@link #park}) after a last
 * look under the lock, and whoever gives it something to do wakes it with {@link #wakeSender}, after
 * (or without) taking the lock. So the submitting thread's hand-off never enters the lock the reply
 * reader holds while it settles a batch of replies.
 */
final class ShardPipeline {
    /** New writes handed to the sender together (the submitter hands fewer over when it goes idle or waits). */
    private static final int STAGE_ENTRIES = 64;

    final ShardOwner owner;
    final RedisEndpoint endpoint;
    final String address;
    final Object lock = new Object();

    final ArrayDeque<Pending> queue = new ArrayDeque<>();
    final ArrayDeque<Pending> sent = new ArrayDeque<>();
    final ArrayDeque<Pending> unconfirmed = new ArrayDeque<>();
    final ShardHolds holds = new ShardHolds();

    /** A WAIT is in the pipeline. */
    boolean waitOutstanding;
    /** Bytes sent since the last WAIT (a WAIT is due when positive and the primary has replicas). */
    long sentSinceWait;
    /** Replicas of the primary that a WAIT asks for (0 or 1). */
    int replicas;
    /** Why the current connection failed (the sender drops it), or null. */
    IOException broken;
    /** The node answered READONLY: reconnect (a standalone target failed over). */
    boolean reconnectWanted;
    /** The node no longer serves slots: its queue follows the slot table. */
    boolean forwarding;
    /** The answer to the probe in flight ({@link InDoubt#probe}). */
    Object probeAnswer;
    RedisConnection conn;
    Thread reader;
    volatile boolean closed;
    /** The sender thread, set once before it starts: the only thread that parks on this pipeline. */
    private volatile Thread sender;

    /** Writes handed over by {@link #enqueue} and {@link #handOver}, moved into {@link #queue} by the sender, in order. */
    private final ConcurrentLinkedQueue<List<Pending>> incoming = new ConcurrentLinkedQueue<>();
    /**
     * The sender is about to park or parked: set (by the sender) before its last look at the state, read
     * by a waker after its change, so one of the two sees the other.
     */
    volatile boolean senderWaiting;
    /** New writes the submitting thread staged, not handed over yet (that thread's only). */
    private List<Pending> staged = new ArrayList<>(STAGE_ENTRIES);

    ShardPipeline(ShardOwner owner, RedisEndpoint endpoint) {
        this.owner = owner;
        this.endpoint = endpoint;
        this.address = endpoint.host() + ":" + endpoint.port();
    }

    /** Appends an entry (one redirected here, or forwarded): handed over at once. */
    void enqueue(Pending p) {
        incoming.add(List.of(p));
        wake();
    }

    /**
     * Stages a new write of the submitting thread (the only one that calls this, {@link #handOver} and
     * {@link #staged}); true when a batch is full and should be handed over.
     */
    boolean stage(Pending p) {
        staged.add(p);
        return staged.size() >= STAGE_ENTRIES;
    }

    /** True when the submitting thread has staged writes not handed over yet. */
    boolean staged() {
        return !staged.isEmpty();
    }

    /** Hands the staged writes over to the sender, in one piece: one queue operation and at most one wake-up per batch. */
    void handOver() {
        if (!staged.isEmpty()) {
            incoming.add(staged);
            staged = new ArrayList<>(STAGE_ENTRIES);
            wake();
        }
    }

    private void wake() {
        // Lock-free hand-off: the submitting thread never waits for the sender's or reader's lock.
        if (senderWaiting) {
            wakeSender();
        }
    }

    /** The thread that parks on this pipeline (the writer's sender), set before it starts. */
    void sender(Thread t) {
        sender = t;
    }

    /** Wakes the sender if it parks or is about to (takes no lock). */
    void wakeSender() {
        Thread t = sender;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * The sender parks up to {@code nanos} (not holding the lock; a {@link #wakeSender} since its last
     * look makes it return at once). Callers look again under the lock afterwards: a return says nothing.
     */
    void park(long nanos) throws InterruptedException {
        LockSupport.parkNanos(this, nanos);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    /** Moves handed-over writes to the queue (holding the lock). */
    void takeIncoming() {
        List<Pending> l;
        while ((l = incoming.poll()) != null) {
            queue.addAll(l);
        }
    }

    /** Applied: settled now, or after the replicas confirm it. */
    void applied(Pending p) {
        boolean confirm;
        synchronized (lock) {
            confirm = replicas > 0;
            if (confirm) {
                unconfirmed.addLast(p);
                sentSinceWait = Math.max(sentSinceWait, 1); // a WAIT is due even if nothing else is sent
            }
        }
        if (confirm) {
            wakeSender();
        } else {
            owner.settle(List.of(p));
        }
    }

    /** The connection {@code c} failed; ignored when it is no longer the current one. */
    void markBroken(RedisConnection c, IOException e) {
        synchronized (lock) {
            markBrokenLocked(c, e);
        }
    }

    void markBrokenLocked(RedisConnection c, IOException e) {
        if (c == conn && broken == null && !closed) {
            broken = e;
        }
        wakeSender();
    }
}
