package io.slotferry.replication;

import io.slotferry.rdb.RdbOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of a {@link Replica}.
 *
 * @param spoolDir        where the RDB and the stream segments are spooled (one directory per replica)
 * @param maxSpoolBytes   stream spool quota; at the quota the socket is not read until the consumer catches up
 * @param segmentBytes    size at which a stream segment file is closed and a new one started
 * @param rdbOptions      how snapshot keys are delivered (raw by default: RESTORE payloads)
 * @param ackInterval     period of {@code REPLCONF ACK}
 * @param connectTimeout  TCP connect timeout
 * @param transferTimeout longest silence accepted during the handshake and RDB transfer (masters send
 *                        newline keepalives while they produce the RDB)
 * @param replTimeout     longest silence accepted on the stream (masters PING every 10 s by default)
 * @param minBackoff      first reconnect delay; doubles up to {@code maxBackoff}
 * @param maxBackoff      longest reconnect delay
 * @param listeningPort   port announced with {@code REPLCONF listening-port}; 0 = the connection's local port
 * @param deliverSnapshotFile after a full sync, hand the spooled RDB file to the consumer
 *                        ({@link ReplicationEvent.SnapshotFile}) instead of parsing it into
 *                        {@link ReplicationEvent.SnapshotData} events; for consumers that read the file
 *                        themselves, e.g. with seeks back to big values
 * @param followTransfer  with {@code deliverSnapshotFile}: hand the file over as soon as its first bytes
 *                        are written, to be read while it arrives ({@link ReplicationEvent.SnapshotFile#bytes()})
 *                        instead of after the whole transfer
 */
public record ReplicaOptions(Path spoolDir, long maxSpoolBytes, long segmentBytes, RdbOptions rdbOptions,
                             Duration ackInterval, Duration connectTimeout, Duration transferTimeout,
                             Duration replTimeout, Duration minBackoff, Duration maxBackoff, int listeningPort,
                             boolean deliverSnapshotFile, boolean followTransfer) {

    /**
     * 8 GiB stream spool in 64 MiB segments, raw snapshot keys parsed into events, ACK every second,
     * reconnect 0.1-5 s.
     */
    public static ReplicaOptions defaults(Path spoolDir) {
        return new ReplicaOptions(spoolDir, 8L << 30, 64L << 20, RdbOptions.raw(), Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMillis(100),
                Duration.ofSeconds(5), 0, false, false);
    }

    public ReplicaOptions withRdbOptions(RdbOptions options) {
        return new ReplicaOptions(spoolDir, maxSpoolBytes, segmentBytes, options, ackInterval, connectTimeout,
                transferTimeout, replTimeout, minBackoff, maxBackoff, listeningPort, deliverSnapshotFile, followTransfer);
    }

    public ReplicaOptions withAckInterval(Duration interval) {
        return new ReplicaOptions(spoolDir, maxSpoolBytes, segmentBytes, rdbOptions, interval, connectTimeout,
                transferTimeout, replTimeout, minBackoff, maxBackoff, listeningPort, deliverSnapshotFile, followTransfer);
    }

    public ReplicaOptions withSpoolLimits(long maxBytes, long segmentSize) {
        return new ReplicaOptions(spoolDir, maxBytes, segmentSize, rdbOptions, ackInterval, connectTimeout,
                transferTimeout, replTimeout, minBackoff, maxBackoff, listeningPort, deliverSnapshotFile, followTransfer);
    }

    /**
     * With {@code true}, a full sync is delivered as {@code SnapshotBegin, SnapshotFile, SnapshotEnd}:
     * the consumer reads the spooled RDB file itself ({@link ReplicationEvent.SnapshotFile}).
     */
    public ReplicaOptions withSnapshotFile(boolean deliver) {
        return new ReplicaOptions(spoolDir, maxSpoolBytes, segmentBytes, rdbOptions, ackInterval, connectTimeout,
                transferTimeout, replTimeout, minBackoff, maxBackoff, listeningPort, deliver, followTransfer);
    }

    /**
     * With {@code true} (and {@link #withSnapshotFile(boolean) withSnapshotFile(true)}), the snapshot is
     * delivered while it arrives: {@code SnapshotFile} comes with the transfer's first bytes and its
     * {@link ReplicationEvent.SnapshotFile#bytes()} follow the transfer.
     */
    public ReplicaOptions withFollowedTransfer(boolean follow) {
        return new ReplicaOptions(spoolDir, maxSpoolBytes, segmentBytes, rdbOptions, ackInterval, connectTimeout,
                transferTimeout, replTimeout, minBackoff, maxBackoff, listeningPort, deliverSnapshotFile, follow);
    }
}
