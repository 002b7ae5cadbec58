package io.slotferry.replication.transcript;

import static io.slotferry.replication.transcript.ReplicaChecks.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.slotferry.replication.Replica;
import io.slotferry.replication.ReplicaOptions;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.resp.RedisEndpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@link Replica} against captured sessions that go wrong: connections lost mid-RDB and
 * mid-command, a master that lost its backlog, and a spool at its quota. Expectations come from the
 * captures, as in {@link TranscriptReplayTest}.
 */
class TranscriptFaultTest {
    private final ReplicaChecks checks = new ReplicaChecks();

    @TempDir
    Path spools;

    @TestFactory
    Stream<DynamicTest> aConnectionLostMidRdbEndsInExactlyOneCompleteSnapshot() {
        return Stream.of("redis-7.4.1-disk", "redis-6.2.16-diskless").map(name -> dynamicTest(name, () -> checks.within(() -> {
            Transcript capture = Transcript.load(name);
            SnapshotKeys.Contents rdb = SnapshotKeys.read(capture, capture.readBin());
            long midRdb = (capture.rdb().payloadStart() + capture.rdb().payloadEnd()) / 2;
            try (TranscriptMaster master = TranscriptMaster.start(MasterSession.of(capture).droppedAt(midRdb), MasterSession.of(capture));
                 Replica replica = startReplica(master, ReplicaOptions.defaults(spools.resolve(name)))) {
                long start = checks.snapshot(capture, rdb, replica);
                assertEquals(capture.masterReplOffsetEnd(), checks.commands(capture, replica, start, 0));
                assertEquals(List.of("PSYNC", "?", "-1"), ReplicaChecks.psync(master, 2).args(), "with no snapshot yet, the retry is a full sync");
            }
        })));
    }

    @TestFactory
    Stream<DynamicTest> aConnectionLostMidCommandResumesAfterTheLastCompleteCommand() {
        // Cut inside the 2 MiB SET of w:bigstr, inside a 1000-element RPUSH, and inside the first SELECT.
        return Stream.of("redis-7.0.15-disk:SET", "redis-2.8.24-psync-diskless:RPUSH", "codis-server-3.2.11-disk:SELECT")
                .map(spec -> dynamicTest(spec, () -> checks.within(() -> {
                    Transcript capture = Transcript.load(spec.substring(0, spec.indexOf(':')));
                    int cut = longest(capture, spec.substring(spec.indexOf(':') + 1));
                    Transcript.StreamCommand broken = capture.streamCommands().get(cut);
                    long processed = cut == 0 ? capture.syncReply().offset() : capture.streamCommands().get(cut - 1).replOffsetAfter();
                    try (TranscriptMaster master = TranscriptMaster.start(MasterSession.of(capture).droppedAt(broken.off() + broken.len() / 2),
                            MasterSession.of(capture).withBacklog());
                         Replica replica = startReplica(master, ReplicaOptions.defaults(spools.resolve(capture.name())))) {
                        long start = checks.snapshot(capture, SnapshotKeys.read(capture, capture.readBin()), replica);
                        assertEquals(processed, checks.commands(capture, replica, start, 0, cut));
                        ReplicationEvent.StreamResumed resumed = assertInstanceOf(ReplicationEvent.StreamResumed.class, replica.next());
                        assertEquals(new ReplicationEvent.StreamResumed(capture.replicationId(), processed), resumed);
                        assertEquals(List.of("PSYNC", capture.syncReply().replid(), Long.toString(processed + 1)),
                                ReplicaChecks.psync(master, 2).args());
                        assertEquals(capture.masterReplOffsetEnd(), checks.commands(capture, replica, processed, cut));
                        assertEquals(capture.masterReplOffsetEnd(), replica.receivedOffset(), "received offset");
                        master.awaitAck(capture.masterReplOffsetEnd(), WAIT);
                    }
                })));
    }

    @Test
    void aMasterWithoutTheBacklogStartsOverWithAFreshSnapshot() {
        checks.within(() -> {
            Transcript capture = Transcript.load("redis-5.0.14-disk");
            SnapshotKeys.Contents rdb = SnapshotKeys.read(capture, capture.readBin());
            Transcript.StreamCommand cut = capture.streamCommands().get(40);
            try (TranscriptMaster master = TranscriptMaster.start(MasterSession.of(capture).droppedAt(cut.off() + 3), MasterSession.of(capture));
                 Replica replica = startReplica(master, ReplicaOptions.defaults(spools.resolve(capture.name())))) {
                checks.snapshot(capture, rdb, replica);
                long processed = capture.streamCommands().get(39).replOffsetAfter();
                assertEquals(List.of("PSYNC", capture.syncReply().replid(), Long.toString(processed + 1)),
                        ReplicaChecks.psync(master, 2).args());
                master.awaitReceived(c -> c.connection() == 2 && c.isAck(), WAIT); // the second RDB is in
                // The new snapshot supersedes the commands of the first session not consumed yet.
                long start = checks.snapshot(capture, rdb, replica);
                assertEquals(capture.masterReplOffsetEnd(), checks.commands(capture, replica, start, 0));
            }
        });
    }

    @Test
    void aFullSpoolPausesTheReceiverUntilTheConsumerCatchesUp() {
        spoolQuota(1L << 18, true); // 256 KiB: reached long before the 2 MiB SET at offset 906867
    }

    @Test
    void aCommandLargerThanTheSpoolQuotaStillGetsThrough() {
        // The SET of w:bigstr is 2 MiB: the unfinished command does not count against the quota,
        // or it could never complete (nothing below it can be released before it is whole).
        spoolQuota(1L << 20, false);
    }

    private void spoolQuota(long quota, boolean expectPause) {
        checks.within(() -> {
            Transcript capture = Transcript.load("redis-7.0.15-disk");
            ReplicaOptions options = ReplicaOptions.defaults(spools.resolve(capture.name())).withSpoolLimits(quota, 64 << 10);
            try (TranscriptMaster master = TranscriptMaster.start(capture); Replica replica = startReplica(master, options)) {
                long start = checks.snapshot(capture, SnapshotKeys.read(capture, capture.readBin()), replica);
                if (expectPause) {
                    long paused = steadyReceivedOffset(replica);
                    assertTrue(paused < capture.masterReplOffsetEnd(), "the receiver stopped at the quota, at " + paused);
                    checks.passed("receiver paused at " + paused);
                }
                assertEquals(capture.masterReplOffsetEnd(), checks.commands(capture, replica, start, 0));
                assertEquals(capture.masterReplOffsetEnd(), replica.receivedOffset(), "received offset");
            }
        });
    }

    private static Replica startReplica(TranscriptMaster master, ReplicaOptions options) throws Exception {
        return Replica.start(RedisEndpoint.plain("127.0.0.1", master.port()), options);
    }

    /** Index of the longest stream command called {@code name}, the first one of ties. */
    private static int longest(Transcript capture, String name) {
        List<Transcript.StreamCommand> commands = capture.streamCommands();
        int best = -1;
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).name().equals(name) && (best < 0 || commands.get(i).len() > commands.get(best).len())) {
                best = i;
            }
        }
        return best;
    }

    /** The received offset once it has not moved for half a second. */
    private static long steadyReceivedOffset(Replica replica) throws InterruptedException {
        long last = -2;
        while (replica.receivedOffset() != last) {
            last = replica.receivedOffset();
            Thread.sleep(500);
        }
        return last;
    }
}
