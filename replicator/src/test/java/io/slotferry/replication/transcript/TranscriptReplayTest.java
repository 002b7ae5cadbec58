package io.slotferry.replication.transcript;

import static io.slotferry.replication.transcript.ReplicaChecks.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.slotferry.rdb.RdbOptions;
import io.slotferry.replication.Replica;
import io.slotferry.replication.ReplicaOptions;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.replication.ReplicationId;
import io.slotferry.resp.RedisEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@link Replica} against every captured master session ({@link TranscriptMaster}) and
 * checks what it delivers against the capture: the snapshot (id, offset, RDB version, every key of
 * the RDB as an independent parse finds it), every stream command (argv, db, offsets), the handshake,
 * the received and acknowledged offsets, and, where a {@code -continue} capture exists, the partial
 * resync after the connection is dropped.
 */
class TranscriptReplayTest {
    private final ReplicaChecks checks = new ReplicaChecks();

    @TempDir
    Path spools;

    @TestFactory
    Stream<DynamicTest> everyCaptureReplaysToItsRecordedOffsets() {
        return Transcript.names().stream().map(name -> dynamicTest(name,
                () -> checks.within(() -> replay(Transcript.load(name), UnaryOperator.identity(), UnaryOperator.identity()))));
    }

    @TestFactory
    Stream<DynamicTest> readsSplitAnywhereDeliverTheSameEvents() {
        // 7-byte writes through the binary DUMP payloads of a Codis migration; 61-byte writes split the
        // 40-byte EOF marks of diskless transfers across reads.
        return Stream.of("codis-migration-group2:7", "redis-2.8.24-psync-diskless:61", "redis-2.8.24-sync-diskless:61")
                .map(spec -> dynamicTest(spec, () -> checks.within(() -> {
                    int piece = Integer.parseInt(spec.substring(spec.indexOf(':') + 1));
                    replay(Transcript.load(spec.substring(0, spec.indexOf(':'))), s -> s.inPiecesOf(piece), UnaryOperator.identity());
                })));
    }

    @TestFactory
    Stream<DynamicTest> otherReplicaOptionsDeliverTheSameEvents() {
        return Stream.of(
                dynamicTest("decoded snapshot keys, codis-migration-group1", () -> checks.within(() -> replay(
                        Transcript.load("codis-migration-group1"), UnaryOperator.identity(),
                        o -> o.withRdbOptions(RdbOptions.decoded())))),
                // The 2 MiB SET then spans 32 segments, released as the commands are applied.
                dynamicTest("64 KiB spool segments under a 2.5 MiB quota, redis-7.0.15-diskless", () -> checks.within(
                        () -> replay(Transcript.load("redis-7.0.15-diskless"), UnaryOperator.identity(),
                                o -> o.withSpoolLimits(5L << 19, 64 << 10)))));
    }

    private void replay(Transcript capture, UnaryOperator<MasterSession> shape, UnaryOperator<ReplicaOptions> options)
            throws Exception {
        SnapshotKeys.Contents rdb = SnapshotKeys.read(capture, capture.readBin());
        Optional<Transcript> next = capture.continueCapture();
        MasterSession[] script = Stream.concat(Stream.of(capture), next.stream())
                .map(t -> shape.apply(MasterSession.of(t))).toArray(MasterSession[]::new);
        try (TranscriptMaster master = TranscriptMaster.start(script);
             Replica replica = Replica.start(RedisEndpoint.plain("127.0.0.1", master.port()),
                     options.apply(ReplicaOptions.defaults(spools.resolve(capture.name()))
                             .withAckInterval(Duration.ofMillis(100))))) {
            long start = checks.snapshot(capture, rdb, replica);
            assertEquals(capture.replicationId(), replica.replicationId(), "replicationId()");
            long end = checks.commands(capture, replica, start, 0);
            if (capture.isSync()) {
                assertEquals(capture.stream().bytes(), end - start, "stream bytes delivered after SYNC");
                assertEquals(end, replica.receivedOffset(), "received offset");
                if (capture.isDiskless()) {
                    assertFalse(master.ackOffsets().isEmpty(), "a diskless master streams only after the first ACK");
                }
            } else {
                assertEquals(capture.masterReplOffsetEnd(), end, "offset after the last command");
                assertEquals(capture.masterReplOffsetEnd(), replica.receivedOffset(), "received offset");
                master.awaitAck(capture.masterReplOffsetEnd(), WAIT);
                checks.passed(capture.name() + ": acknowledged " + capture.masterReplOffsetEnd());
            }
            assertEquals(ReplicaChecks.expectedHandshake(capture), ReplicaChecks.handshakeOf(master, 1), "handshake");
            if (next.isPresent()) {
                resume(capture, next.get(), master, replica);
            }
            assertEquals(List.of(), master.problems());
        }
    }

    /** Drops the link after the first session and follows the replica through the partial resync. */
    private void resume(Transcript capture, Transcript next, TranscriptMaster master, Replica replica) throws Exception {
        master.dropConnection();
        assertEquals(next.resumedFrom().psyncSent(), ReplicaChecks.psync(master, 2).args(), "PSYNC after the drop");
        checks.passed(capture.name() + ": reconnected with " + next.resumedFrom().psyncSent());
        ReplicationEvent.StreamResumed resumed = assertInstanceOf(ReplicationEvent.StreamResumed.class, replica.next());
        // A bare +CONTINUE (2.8, codis-server) keeps the id; PSYNC2 masters name it.
        ReplicationId id = next.syncReply().replid() == null ? capture.replicationId() : next.replicationId();
        assertEquals(id, resumed.replid(), "replid of StreamResumed");
        assertEquals(next.stream().initialReplOffset(), resumed.offset(), "offset of StreamResumed");
        assertEquals(next.masterReplOffsetEnd(), checks.commands(next, replica, resumed.offset(), 0));
        assertEquals(next.masterReplOffsetEnd(), replica.receivedOffset(), "received offset after the partial resync");
        master.awaitAck(next.masterReplOffsetEnd(), WAIT);
        assertEquals(ReplicaChecks.expectedHandshake(next), ReplicaChecks.handshakeOf(master, 2), "handshake of the resync");
        assertEquals(2, master.connectionCount(), "connections");
    }
}
