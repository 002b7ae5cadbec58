package io.slotferry.write;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The pipelined writer of one primary: a sender thread writes queued entries in order, a reader
 * thread matches replies to them in the same order. Writes leave it in one of four ways: settled
 * (applied and, when the primary has replicas, confirmed by {@code WAIT}), refused (data error),
 * redirected to another writer ({@code MOVED}/{@code ASK}), or put back at the head of the queue
 * (transient fault, lost connection).
 *
 * <p>Order: entries of one slot are sent in queue order and re-sent in that order after a fault;
 * a transient fault holds every later write of the same slot until the failed one is re-sent.
 * After a lost connection everything sent but not confirmed is in doubt: idempotent writes are
 * sent again, others are probed first ({@link Write.Probe}).
 */
final class ShardWriter {
    private static final Logger LOG = Logger.getLogger(ShardWriter.class.getName());
    private static final int BATCH_ENTRIES = 1024;
    private static final int BATCH_BYTES = 1 << 20;
    private static final long WAIT_EVERY_BYTES = 4L << 20;
    /** New writes handed to the sender together (the submitter hands fewer over when it goes idle or waits). */
    private static final int STAGE_ENTRIES = 64;

    private final ClusterWriter cluster;
    final RedisEndpoint endpoint;
    final String address;

    private final Object lock = new Object();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final ArrayDeque<Pending> sent = new ArrayDeque<>();
    private final ArrayDeque<Pending> unconfirmed = new ArrayDeque<>();
    private final List<Pending> retry = new ArrayList<>();
    private final Set<Integer> retrySlots = new HashSet<>();
    /** Keys with a non-idempotent write sent and not answered: the key's next such write waits for it. */
    private final Set<ByteBuffer> unansweredKeys = new HashSet<>();
    /**
     * Applied marks read since the connection was last lost ({@link Write.Probe.Mark}), by mark key;
     * empty for a slot without a mark. What the lost connection wrote is final once it is read.
     */
    private final Map<ByteBuffer, Optional<byte[]>> markSeen = new HashMap<>();
    /** In-doubt writes decided applied by {@link #markSeen} while a batch was taken: settled after the lock. */
    private final List<Pending> settleNow = new ArrayList<>();
    private String retryReason;
    private boolean waitOutstanding;
    private long sentSinceWait;
    private int replicas;
    private IOException broken;
    private boolean reconnectWanted;
    private boolean forwarding;
    private volatile boolean closed;
    /** Writes handed over by {@link #enqueue} and {@link #handOver}, moved into {@link #queue} by the sender, in order. */
    private final ConcurrentLinkedQueue<List<Pending>> incoming = new ConcurrentLinkedQueue<>();
    private volatile boolean senderWaiting;
    /** New writes the submitting thread staged, not handed over yet (that thread's only). */
    private List<Pending> staged = new ArrayList<>(STAGE_ENTRIES);

    private RedisConnection conn;
    private Thread reader;
    private final Thread sender;

    ShardWriter(ClusterWriter cluster, RedisEndpoint endpoint) {
        this.cluster = cluster;
        this.endpoint = endpoint;
        this.address = endpoint.host() + ":" + endpoint.port();
        this.sender = new Thread(this::sendLoop, "slotferry-writer-" + address);
        sender.setDaemon(true);
        sender.start();
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
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    /** Moves handed-over writes to the queue (holding the lock). */
    private void takeIncoming() {
        List<Pending> l;
        while ((l = incoming.poll()) != null) {
            queue.addAll(l);
        }
    }

    void close() {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        sender.interrupt();
        RedisConnection c = conn;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    // ---------------------------------------------------------------- sender

    private void sendLoop() {
        try {
            while (!closed && !cluster.failed()) {
                if (conn == null && !forwarding) {
                    if (!connectOrForward()) {
                        return;
                    }
                    continue;
                }
                if (forwarding) {
                    forwardQueued();
                    continue;
                }
                sendBatch();
            }
        } catch (InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            cluster.fail("writer for " + address + " failed: " + e, e);
        } finally {
            RedisConnection c = conn;
            if (c != null) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // stopping
                }
            }
        }
    }

    private void sendBatch() throws InterruptedException {
        List<Pending> entries = null;
        RedisConnection c;
        Pending probeFor = null;
        IOException drop = null;
        synchronized (lock) {
            takeIncoming();
            while (!closed && broken == null && !reconnectWanted && !sendable()) {
                senderWaiting = true; // set before the last look at 'incoming': enqueue then sees it and wakes us
                takeIncoming();
                if (!sendable()) {
                    lock.wait(250);
                }
                senderWaiting = false;
                takeIncoming();
            }
            if (closed) {
                return;
            }
            c = conn;
            if (broken != null || reconnectWanted) {
                drop = broken != null ? broken : new IOException("the node answered READONLY");
                reconnectWanted = false;
            } else if (retrying()) {
                requeueRetries();
            } else {
                if (queue.size() < BATCH_ENTRIES / 4 && sent.size() >= BATCH_ENTRIES / 2) {
                    // The server still has plenty to do: a moment's wait makes a fuller batch (fewer
                    // system calls on both sides) without leaving it idle.
                    lock.wait(0, 500_000);
                    takeIncoming();
                }
                Pending head = queue.peekFirst();
                if (head != null && head.inDoubt && head.write.probe() != null) {
                    probeFor = queue.pollFirst();
                } else {
                    entries = nextBatch();
                }
            }
        }
        settleDecided();
        if (drop != null) {
            dropConnection(drop);
        } else if (probeFor != null) {
            probe(c, probeFor);
        } else if (entries != null && !entries.isEmpty()) {
            // encoded outside the lock: the reply reader keeps going meanwhile
            batch.clear();
            for (Pending p : entries) {
                p.writeTo(batch);
            }
            try {
                c.send(batch.buffer(), 0, batch.size());
            } catch (IOException e) {
                markBroken(c, e);
            }
        }
    }

    private final Batch batch = new Batch();

    /** Settles the in-doubt writes {@link #nextBatch} found applied by their slot's mark. */
    private void settleDecided() {
        List<Pending> done;
        synchronized (lock) {
            if (settleNow.isEmpty()) {
                return;
            }
            done = new ArrayList<>(settleNow);
            settleNow.clear();
        }
        cluster.probed(done.size());
        for (Pending p : done) {
            applied(p);
        }
    }

    /** Takes queued writes up to the batch limits (stopping before one that must wait) and a WAIT when due. */
    private List<Pending> nextBatch() {
        List<Pending> entries = new ArrayList<>(Math.min(queue.size() + 1, BATCH_ENTRIES + 1));
        long bytes = 0;
        while (!queue.isEmpty() && entries.size() < BATCH_ENTRIES && bytes < BATCH_BYTES) {
            Pending p = queue.peekFirst();
            if (p.inDoubt && p.write.probe() instanceof Write.Probe.Mark m && markSeen.containsKey(ByteBuffer.wrap(m.key()))) {
                // its slot's mark was read since the connection was lost: decided without another round trip
                if (m.applied(markSeen.get(ByteBuffer.wrap(m.key())).orElse(null))) {
                    queue.pollFirst();
                    p.inDoubt = false;
                    settleNow.add(p);
                    continue;
                }
                p.resent = true;
            } else if (p.inDoubt && p.write.probe() != null) {
                break; // probed once everything before it is answered
            }
            if (p.write.probe() instanceof Write.Probe.Length && !unansweredKeys.add(ByteBuffer.wrap(p.write.key()))) {
                break; // one non-idempotent write per key in flight: a fault can then never reorder them
            }
            queue.pollFirst();
            p.inDoubt = false;
            p.replies.clear();
            entries.add(p);
            sent.addLast(p);
            sentSinceWait += p.bytes();
            bytes += p.bytes();
        }
        if (replicas > 0 && !waitOutstanding && sentSinceWait > 0 && (queue.isEmpty() || sentSinceWait >= WAIT_EVERY_BYTES)) {
            Pending w = Pending.waitFor(replicas, cluster.options().waitTimeout().toMillis());
            entries.add(w);
            sent.addLast(w);
            waitOutstanding = true;
            sentSinceWait = 0;
        }
        return entries;
    }

    /** Every reply of the pipeline is in: the failed writes go back to the head, after a pause. */
    private void requeueRetries() throws InterruptedException {
        List<Pending> again = new ArrayList<>(retry);
        String why = retryReason;
        retry.clear();
        retrySlots.clear();
        retryReason = null;
        for (int i = again.size() - 1; i >= 0; i--) {
            queue.addFirst(again.get(i));
        }
        cluster.retried(again.size());
        long pause = backoffMillis(again.get(0));
        LOG.fine(() -> address + ": " + why + "; re-sending " + again.size() + " writes in " + pause + " ms");
        lock.wait(pause);
    }

    /** Something to do: queued writes, a WAIT due, or a retry whose pipeline has drained. */
    private boolean sendable() {
        if (retrying()) {
            return sent.isEmpty();
        }
        if (!queue.isEmpty()) {
            Pending head = queue.peekFirst();
            if (head.write.probe() instanceof Write.Probe.Length && unansweredKeys.contains(ByteBuffer.wrap(head.write.key()))) {
                return false;
            }
            if (head.inDoubt && head.write.probe() instanceof Write.Probe.Mark m && markSeen.containsKey(ByteBuffer.wrap(m.key()))) {
                return true;
            }
            return !(head.inDoubt && head.write.probe() != null && (!sent.isEmpty() || waitOutstanding));
        }
        return replicas > 0 && !waitOutstanding && sentSinceWait > 0;
    }

    private boolean retrying() {
        return !retry.isEmpty();
    }

    /**
     * Sends {@code p}'s probe (everything before it is answered) and acts on the answer: applied
     * (settle it), not applied (send it), moved (it follows the slot). Anything else stops.
     */
    private void probe(RedisConnection c, Pending p) throws InterruptedException {
        Pending probe = Pending.probe(p);
        probe.asking = p.asking;
        Batch out = new Batch();
        probe.writeTo(out);
        synchronized (lock) {
            sent.addLast(probe);
            probeAnswer = null;
        }
        try {
            c.send(out.buffer(), 0, out.size());
        } catch (IOException e) {
            markBroken(c, e); // the probe is in 'sent': dropping the connection puts p back, in doubt
            return;
        }
        Object answer;
        synchronized (lock) {
            while (probeAnswer == null && broken == null && !closed && c == conn) {
                lock.wait(250);
            }
            answer = probeAnswer;
            probeAnswer = null;
        }
        if (answer == null) {
            return; // connection lost or closing: p is back in the queue via the probe entry
        }
        cluster.probed(1);
        if (p.write.probe() instanceof Write.Probe.Mark mark && !(answer instanceof Outcome)) {
            markProbed(p, mark, answer);
            return;
        }
        Write.Probe.Length spec = (Write.Probe.Length) p.write.probe();
        if (answer instanceof Outcome.Moved m) {
            cluster.redirected(p, m.host().isEmpty() ? endpoint.host() : m.host(), m.port(), false);
        } else if (answer instanceof Outcome.Ask a) {
            cluster.redirected(p, a.host().isEmpty() ? endpoint.host() : a.host(), a.port(), true);
        } else if (answer instanceof Long v && v >= spec.appliedWhen()) {
            p.inDoubt = false;
            applied(p);
        } else if (answer instanceof Long v && v == spec.notAppliedWhen()) {
            p.inDoubt = false;
            synchronized (lock) {
                queue.addFirst(p);
            }
        } else {
            cluster.fail("cannot tell whether " + p.describe() + " was applied before the connection to " + address
                    + " was lost: its probe answered " + answer + ", expected " + spec.appliedWhen() + " (applied) or "
                    + spec.notAppliedWhen() + " (not applied); the key changed on the target during the migration", null);
        }
    }

    private Object probeAnswer;

    /** Acts on the answer to {@code p}'s mark probe, and remembers the mark for the slot's other in-doubt writes. */
    private void markProbed(Pending p, Write.Probe.Mark mark, Object answer) {
        byte[] value;
        if (answer instanceof RespValue.Bulk b) {
            value = b.bytes();
        } else {
            cluster.fail("cannot tell whether " + p.describe() + " was applied before the connection to " + address
                    + " was lost: reading its slot's applied mark answered " + answer, null);
            return;
        }
        synchronized (lock) {
            markSeen.put(ByteBuffer.wrap(mark.key()), Optional.ofNullable(value));
        }
        p.inDoubt = false;
        if (mark.applied(value)) {
            applied(p);
        } else {
            p.resent = true;
            synchronized (lock) {
                queue.addFirst(p);
            }
        }
    }

    /**
     * Closes the connection, waits for its reader, and puts everything sent or unconfirmed back at
     * the head of the queue, in order, in doubt.
     */
    private void dropConnection(IOException why) throws InterruptedException {
        RedisConnection c;
        Thread r;
        synchronized (lock) {
            c = conn;
            r = reader;
        }
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // already broken
            }
        }
        if (r != null && r != Thread.currentThread()) {
            r.join();
        }
        int back;
        synchronized (lock) {
            conn = null;
            reader = null;
            back = requeueInDoubt();
        }
        cluster.reconnecting();
        if (why != null && !closed) {
            LOG.log(Level.WARNING, "connection to " + address + " lost (" + why.getMessage() + "); " + back
                    + " writes in doubt will be checked and re-sent");
        }
    }

    private int requeueInDoubt() {
        takeIncoming();
        List<Pending> back = new ArrayList<>(unconfirmed.size() + sent.size() + retry.size());
        back.addAll(unconfirmed);
        for (Pending p : sent) {
            if (p.kind == Pending.Kind.WRITE) {
                back.add(p);
            } else if (p.kind == Pending.Kind.PROBE) {
                back.add(p.subject);
            }
        }
        for (Pending p : retry) {
            if (!back.contains(p)) {
                back.add(p);
            }
        }
        retry.clear();
        retrySlots.clear();
        retryReason = null;
        unconfirmed.clear();
        sent.clear();
        unansweredKeys.clear();
        markSeen.clear();
        for (Pending p : back) {
            p.inDoubt = true;
            p.replies.clear();
        }
        for (int i = back.size() - 1; i >= 0; i--) {
            queue.addFirst(back.get(i));
        }
        waitOutstanding = false;
        sentSinceWait = 0;
        broken = null;
        probeAnswer = null;
        lock.notifyAll();
        return back.size();
    }

    /**
     * Opens the connection, or, when this node is no longer a primary (failover), turns this writer
     * into a forwarder of its queue. Retries with backoff up to the configured time.
     */
    private boolean connectOrForward() throws InterruptedException {
        long deadline = System.nanoTime() + cluster.options().giveUpAfter().toNanos();
        long pause = 50;
        IOException last = null;
        while (!closed && !cluster.failed()) {
            try {
                RedisConnection c = RedisConnection.open(endpoint, cluster.options().connectTimeout());
                try {
                    int r = primaryReplicas(c);
                    if (r >= 0) {
                        c.readTimeout(cluster.options().replyTimeout());
                        synchronized (lock) {
                            conn = c;
                            replicas = Math.min(r, 1);
                        }
                        reader = new Thread(() -> readLoop(c), "slotferry-replies-" + address);
                        reader.setDaemon(true);
                        reader.start();
                        cluster.connected(this);
                        return true;
                    }
                    c.close(); // a replica now: its slots moved to another primary
                } catch (IOException e) {
                    c.close();
                    throw e;
                }
            } catch (IOException e) {
                last = e;
            }
            cluster.refreshTopology();
            if (!cluster.servesSlots(this)) {
                synchronized (lock) {
                    forwarding = true;
                }
                LOG.info(() -> address + " no longer serves slots; its writes follow the slot table");
                return true;
            }
            if (System.nanoTime() > deadline) {
                cluster.fail("cannot write to " + address + " for " + cluster.options().giveUpAfter().toSeconds()
                        + " s" + (last != null ? ": " + last.getMessage() : " (it is not a primary)"), last);
                return false;
            }
            Thread.sleep(pause);
            pause = Math.min(2000, pause * 2);
        }
        return false;
    }

    /** Number of replicas when the node is a primary, -1 when it is a replica. */
    private static int primaryReplicas(RedisConnection c) throws IOException {
        c.call("CLIENT", "SETNAME", "slotferry");
        RespValue info = c.call("INFO", "replication");
        if (!(info instanceof RespValue.Bulk b) || b.bytes() == null) {
            throw new IOException("INFO replication answered " + info);
        }
        String text = new String(b.bytes(), StandardCharsets.UTF_8);
        if (!text.contains("role:master")) {
            return -1;
        }
        int connected = 0;
        for (String line : text.split("\r\n")) {
            if (line.startsWith("connected_slaves:")) {
                connected = Integer.parseInt(line.substring("connected_slaves:".length()).trim());
            }
        }
        return connected;
    }

    private void forwardQueued() throws InterruptedException {
        List<Pending> batch = new ArrayList<>();
        synchronized (lock) {
            takeIncoming();
            while (!closed && queue.isEmpty()) {
                senderWaiting = true;
                takeIncoming();
                if (queue.isEmpty()) {
                    lock.wait(250);
                }
                senderWaiting = false;
                takeIncoming();
            }
            batch.addAll(queue);
            queue.clear();
        }
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            ShardWriter to = cluster.writerForSlot(p.write.slot());
            if (to == this) {
                // the table names this node again: reconnect and send the rest ourselves
                synchronized (lock) {
                    for (int j = batch.size() - 1; j >= i; j--) {
                        queue.addFirst(batch.get(j));
                    }
                    forwarding = false;
                }
                return;
            }
            to.enqueue(p);
        }
    }

    // ---------------------------------------------------------------- reader

    private void readLoop(RedisConnection c) {
        while (!closed) {
            RespValue r;
            try {
                r = c.reader().read();
            } catch (SocketTimeoutException e) {
                synchronized (lock) {
                    if (c != conn) {
                        return;
                    }
                    if (sent.isEmpty()) {
                        continue;
                    }
                }
                markBroken(c, new IOException("no reply for " + cluster.options().replyTimeout().toSeconds() + " s"));
                return;
            } catch (IOException e) {
                markBroken(c, e);
                return;
            }
            Pending p;
            synchronized (lock) {
                if (c != conn) {
                    return;
                }
                p = sent.peekFirst();
                if (p == null) {
                    markBrokenLocked(c, new IOException("a reply nothing was waiting for: " + r));
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
                cluster.fail("handling the reply to " + p.describe() + " failed: " + e, e);
                return;
            }
            synchronized (lock) {
                if (sent.peekFirst() == p) {
                    sent.pollFirst();
                }
                boolean wake = sent.isEmpty() || p.kind != Pending.Kind.WRITE;
                if (p.kind == Pending.Kind.WRITE && p.write.probe() instanceof Write.Probe.Length) {
                    unansweredKeys.remove(ByteBuffer.wrap(p.write.key()));
                    wake = true;
                }
                if (wake) {
                    lock.notifyAll(); // the sender waits for these; other replies need no wake-up
                }
            }
        }
    }

    private void complete(Pending p) {
        switch (p.kind) {
            case WAIT -> confirmed(p.replies.get(0));
            case PROBE -> probed(p);
            case WRITE -> completeWrite(p);
            default -> throw new IllegalStateException(p.kind.toString());
        }
    }

    private void completeWrite(Pending p) {
        Outcome outcome = Replies.classify(p.replies, p.asking, p.write.transaction());
        synchronized (lock) {
            if (retrySlots.contains(p.write.slot())
                    && !(outcome instanceof Outcome.Applied && staysApplied(p.write.probe()))) {
                // An earlier write of this slot failed and will be re-sent: this one follows it (an
                // idempotent one that applied is applied again after it). A non-idempotent one that
                // applied stays applied: it is of another key, as a key has one such write in flight.
                retry.add(p);
                return;
            }
        }
        if (outcome instanceof Outcome.Applied) {
            applied(p);
        } else if (outcome instanceof Outcome.Moved m) {
            cluster.redirected(p, m.host().isEmpty() ? endpoint.host() : m.host(), m.port(), false);
        } else if (outcome instanceof Outcome.Ask a) {
            cluster.redirected(p, a.host().isEmpty() ? endpoint.host() : a.host(), a.port(), true);
        } else if (outcome instanceof Outcome.Transient t) {
            transientFault(p, t);
        } else if (outcome instanceof Outcome.DataError d && superseded(p, d.reply())) {
            cluster.superseded(p, d.reply());
        } else if (outcome instanceof Outcome.DataError d) {
            cluster.refused(p, d.reply());
        } else if (outcome instanceof Outcome.Fatal f) {
            cluster.fail(p.describe() + " on " + address + ": " + f.reply(), null);
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
        if (p.firstFaultNanos == 0) {
            p.firstFaultNanos = System.nanoTime();
        } else if (System.nanoTime() - p.firstFaultNanos > cluster.options().giveUpAfter().toNanos()) {
            cluster.fail(p.describe() + " still fails after " + cluster.options().giveUpAfter().toSeconds() + " s: "
                    + t.reply(), null);
            return;
        }
        synchronized (lock) {
            retry.add(p);
            retrySlots.add(p.write.slot());
            retryReason = t.reply();
            if (t.reply().startsWith("READONLY")) {
                reconnectWanted = true; // connected to a replica (a standalone target failed over): reconnect
            }
            lock.notifyAll();
        }
    }

    /** Applied: settled now, or after the replicas confirm it. */
    private void applied(Pending p) {
        synchronized (lock) {
            if (replicas > 0) {
                unconfirmed.addLast(p);
                sentSinceWait = Math.max(sentSinceWait, 1); // a WAIT is due even if nothing else is sent
                lock.notifyAll();
                return;
            }
        }
        cluster.settle(p);
    }

    private void confirmed(RespValue reply) {
        List<Pending> done;
        synchronized (lock) {
            done = new ArrayList<>(unconfirmed);
            unconfirmed.clear();
            waitOutstanding = false;
            lock.notifyAll();
        }
        if (!(reply instanceof RespValue.Integer n) || n.value() < 1) {
            // No replica confirmed within the timeout: none is in sync, so none could be promoted with
            // fewer of our writes than the primary has. Count it; do not stall the migration on it.
            cluster.waitTimedOut(address, reply);
        }
        for (Pending p : done) {
            cluster.settle(p);
        }
    }

    private void probed(Pending probe) {
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
        synchronized (lock) {
            probeAnswer = answer;
            lock.notifyAll();
        }
    }

    /** The connection {@code c} failed; ignored when it is no longer the current one. */
    private void markBroken(RedisConnection c, IOException e) {
        synchronized (lock) {
            markBrokenLocked(c, e);
        }
    }

    private void markBrokenLocked(RedisConnection c, IOException e) {
        if (c == conn && broken == null && !closed) {
            broken = e;
        }
        lock.notifyAll();
    }

    private long backoffMillis(Pending p) {
        long since = p.firstFaultNanos == 0 ? 0 : (System.nanoTime() - p.firstFaultNanos) / 1_000_000;
        return Math.max(20, Math.min(1000, since / 4 + 20));
    }
}
