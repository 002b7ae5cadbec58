package io.slotferry.write;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RespValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The connection of one primary's writer: opened (with its reply reader thread) while the node is a
 * primary; dropped on a fault, putting what it left in doubt back in the queue; and, once the node
 * serves no slots any more (a failover), the writer turns into a forwarder of its queue to the
 * writers the slot table names.
 */
final class ShardConnection {
    private static final Logger LOG = Logger.getLogger(ShardConnection.class.getName());

    private final ShardPipeline pipe;
    private final ShardReplies replies;
    private final InDoubt inDoubt;

    ShardConnection(ShardPipeline pipe, ShardReplies replies, InDoubt inDoubt) {
        this.pipe = pipe;
        this.replies = replies;
        this.inDoubt = inDoubt;
    }

    /**
     * Opens the connection, or, when this node is no longer a primary (failover), turns this writer
     * into a forwarder of its queue. Retries with backoff up to the configured time.
     */
    boolean connectOrForward() throws InterruptedException {
        ShardOwner owner = pipe.owner;
        WriterOptions options = owner.options();
        long deadline = System.nanoTime() + options.giveUpAfter().toNanos();
        long pause = 50;
        IOException last = null;
        while (!pipe.closed && !owner.failed()) {
            try {
                RedisConnection c = RedisConnection.open(pipe.endpoint, options.connectTimeout());
                try {
                    int r = primaryReplicas(c);
                    if (r >= 0) {
                        c.readTimeout(options.replyTimeout());
                        Thread reader = new Thread(() -> replies.readLoop(c), "slotferry-replies-" + pipe.address);
                        reader.setDaemon(true);
                        synchronized (pipe.lock) {
                            pipe.conn = c;
                            pipe.replicas = Math.min(r, 1);
                            pipe.reader = reader;
                        }
                        reader.start();
                        LOG.fine(() -> "connected to " + pipe.address);
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
            owner.refreshTopology();
            if (!owner.servesSlots(pipe.address)) {
                synchronized (pipe.lock) {
                    pipe.forwarding = true;
                }
                LOG.info(() -> pipe.address + " no longer serves slots; its writes follow the slot table");
                return true;
            }
            if (System.nanoTime() > deadline) {
                owner.fail("cannot write to " + pipe.address + " for " + options.giveUpAfter().toSeconds()
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

    /**
     * Closes the connection, waits for its reader, and puts everything sent or unconfirmed back at
     * the head of the queue, in order, in doubt.
     */
    void drop(IOException why) throws InterruptedException {
        RedisConnection c;
        Thread r;
        synchronized (pipe.lock) {
            c = pipe.conn;
            r = pipe.reader;
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
        synchronized (pipe.lock) {
            pipe.conn = null;
            pipe.reader = null;
            back = inDoubt.requeue();
        }
        pipe.owner.counters().reconnects.incrementAndGet();
        if (why != null && !pipe.closed) {
            LOG.log(Level.WARNING, "connection to " + pipe.address + " lost (" + why.getMessage() + "); " + back
                    + " writes in doubt will be checked and re-sent");
        }
    }

    /** A forwarder's turn: hands its queue to the writers the slot table names, until it names this node again. */
    void forwardQueued() throws InterruptedException {
        List<Pending> batch = new ArrayList<>();
        while (batch.isEmpty() && !pipe.closed) {
            synchronized (pipe.lock) {
                pipe.takeIncoming();
                if (pipe.queue.isEmpty()) {
                    pipe.senderWaiting = true; // set before the last look: a hand-off then sees it and wakes us
                    pipe.takeIncoming();
                }
                batch.addAll(pipe.queue);
                pipe.queue.clear();
            }
            if (batch.isEmpty()) {
                pipe.park(ShardWriter.IDLE_PARK_NANOS);
            }
            pipe.senderWaiting = false;
        }
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            ShardWriter to = pipe.owner.writerForSlot(p.write.slot());
            if (to.pipeline() == pipe) {
                // the table names this node again: reconnect and send the rest ourselves
                synchronized (pipe.lock) {
                    for (int j = batch.size() - 1; j >= i; j--) {
                        pipe.queue.addFirst(batch.get(j));
                    }
                    pipe.forwarding = false;
                }
                return;
            }
            to.enqueue(p);
        }
    }
}
