package io.slotferry.replication;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * One snapshot of a live instance over the replication protocol, like {@code redis-cli --rdb}: the
 * replica handshake and {@code PSYNC ? -1} (SYNC on old masters), the RDB written to a stream, then
 * the link is closed. Used to inspect or dump a running source without touching its disk.
 */
public final class SnapshotDownload {
    /** What was downloaded. */
    public record Result(ReplicationId replid, long offset, long bytes, boolean diskless) {
    }

    private SnapshotDownload() {
    }

    public static Result fetch(RedisEndpoint source, OutputStream rdb, Duration timeout) throws IOException {
        // Connect, PING and REPLCONF answer at once: at most 10 s; the sync reply and the transfer get {@code timeout}.
        Duration answer = timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10);
        try (RedisConnection c = RedisConnection.open(source, answer)) {
            Handshake handshake = new Handshake(c, timeout);
            SyncReply reply = handshake.run(null, c.localPort(), true);
            if (reply instanceof SyncReply.Continue) {
                throw new ReplicationException("asked " + source + " for a full sync and got +CONTINUE");
            }
            RdbTransfer.Received received = RdbTransfer.receive(c.reader(), rdb);
            rdb.flush();
            if (reply instanceof SyncReply.FullResync f) {
                return new Result(f.replid(), f.offset(), received.length(), received.diskless());
            }
            return new Result(ReplicationId.NONE, 0, received.length(), received.diskless());
        }
    }
}
