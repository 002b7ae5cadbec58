package io.slotferry.replication.transcript;

import static io.slotferry.replication.transcript.ReplicaChecks.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.slotferry.replication.Replica;
import io.slotferry.replication.ReplicaOptions;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.resp.RedisEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReplicaOptions#withSnapshotFile(boolean)} against captured masters: the consumer gets the
 * RDB file the master sent, byte for byte, then exactly the commands parsed mode delivers (same argv,
 * db, offsets); a full sync while it holds the file leaves the file alone until its next call.
 */
class TranscriptSnapshotFileTest {
    private final ReplicaChecks checks = new ReplicaChecks();

    @TempDir
    Path spools;

    @TestFactory
    Stream<DynamicTest> fileModeHandsOverTheRdbTheMasterSentThenTheSameCommands() {
        // disk and diskless framing, SYNC without offsets, and a Codis stream whose commands span dbs.
        return Stream.of("redis-7.0.15-disk", "redis-7.4.1-diskless", "redis-2.8.24-sync-disk", "codis-migration-group1")
                .map(name -> dynamicTest(name, () -> checks.within(() -> {
                    Transcript capture = Transcript.load(name);
                    try (TranscriptMaster master = TranscriptMaster.start(capture);
                         Replica replica = Replica.start(endpoint(master), options(name))) {
                        long start = checks.snapshotFile(capture, replica);
                        long end = checks.commands(capture, replica, start, 0);
                        if (!capture.isSync()) {
                            assertEquals(capture.masterReplOffsetEnd(), end, "offset after the last command");
                        }
                        assertEquals(List.of(), master.problems());
                    }
                })));
    }

    @Test
    void aFullSyncWhileTheConsumerHoldsTheFileKeepsItUntilTheNextCall() {
        checks.within(() -> {
            Transcript first = Transcript.load("redis-7.0.15-disk");
            Transcript second = Transcript.load("redis-6.2.16-disk"); // another id: PSYNC gets a full sync
            try (TranscriptMaster master = TranscriptMaster.start(MasterSession.of(first), MasterSession.of(second));
                 Replica replica = Replica.start(endpoint(master), options("held"))) {
                assertInstanceOf(ReplicationEvent.SnapshotBegin.class, replica.next());
                ReplicationEvent.SnapshotFile held = assertInstanceOf(ReplicationEvent.SnapshotFile.class, replica.next());
                master.dropConnection();
                // An ACK on the second connection: its RDB is spooled and its stream is flowing.
                master.awaitReceived(c -> c.connection() == 2 && c.isAck(), WAIT);
                checks.passed("second full sync received");
                byte[] bytes = Files.readAllBytes(held.file());
                assertEquals(first.rdb().sha256(), Transcript.sha256Hex(bytes, 0, bytes.length),
                        "the held file is intact after the new full sync");
                long start = checks.snapshotFile(second, replica); // not the first snapshot's SnapshotEnd
                assertFalse(Files.exists(held.file()), "the superseded file is deleted by the next call");
                checks.commands(second, replica, start, 0);
                assertTrue(master.problems().isEmpty(), () -> master.problems().toString());
            }
        });
    }

    private static RedisEndpoint endpoint(TranscriptMaster master) {
        return RedisEndpoint.plain("127.0.0.1", master.port());
    }

    private ReplicaOptions options(String name) {
        return ReplicaOptions.defaults(spools.resolve(name)).withAckInterval(Duration.ofMillis(100)).withSnapshotFile(true);
    }
}
