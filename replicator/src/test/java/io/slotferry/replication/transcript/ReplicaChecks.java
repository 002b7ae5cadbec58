package io.slotferry.replication.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.rdb.RdbEvent;
import io.slotferry.replication.Replica;
import io.slotferry.replication.ReplicationEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.function.Executable;

/**
 * Assertions on what a {@link Replica} delivers, compared with a {@link Transcript}. It remembers the
 * last step that checked out, so a replay that hangs fails with where it stopped rather than only
 * "timed out".
 */
final class ReplicaChecks {
    /** Longest a whole replay may take before it counts as hung. */
    static final Duration LIMIT = Duration.ofSeconds(30);
    /** Longest wait for one thing the replica should do soon (an ACK, a reconnect). */
    static final Duration WAIT = Duration.ofSeconds(10);

    private volatile String progress = "nothing delivered yet";
    /** Before any master of these checks was started: no command can have been received earlier. */
    private final long createdAt = System.currentTimeMillis();

    /** Runs {@code body}, failing after {@link #LIMIT} with the last step that checked out. */
    void within(Executable body) {
        assertTimeoutPreemptively(LIMIT, body, () -> "hung; the last step that checked out: " + progress);
    }

    /** Checks SnapshotBegin, every key against the RDB's own keys, and SnapshotEnd; returns the stream's start offset. */
    long snapshot(Transcript capture, SnapshotKeys.Contents rdb, Replica replica) throws Exception {
        ReplicationEvent.SnapshotBegin begin = assertInstanceOf(ReplicationEvent.SnapshotBegin.class, replica.next());
        progress = capture.name() + ": " + begin;
        assertEquals(capture.replicationId(), begin.replid(), "replid of SnapshotBegin");
        if (!capture.isSync()) {
            assertEquals(capture.syncReply().offset(), begin.offset(), "offset of SnapshotBegin");
        }
        assertEquals(capture.rdb().rdbVersion(), begin.rdbVersion(), "RDB version");
        List<SnapshotKeys.Key> keys = new ArrayList<>();
        ReplicationEvent e;
        while (!((e = replica.next()) instanceof ReplicationEvent.SnapshotEnd)) {
            RdbEvent data = assertInstanceOf(ReplicationEvent.SnapshotData.class, e, "snapshot event").event();
            if (data instanceof RdbEvent.RawValue v) {
                keys.add(SnapshotKeys.Key.of(v.key()));
            } else if (data instanceof RdbEvent.KeyBegin b) {
                keys.add(SnapshotKeys.Key.of(b.key()));
            }
        }
        ReplicationEvent.SnapshotEnd end = (ReplicationEvent.SnapshotEnd) e;
        assertEquals(rdb.keys().size(), keys.size(), "number of keys in the snapshot");
        assertEquals(rdb.keys(), keys, "keys of the snapshot (db, name, type)");
        assertEquals(begin.replid(), end.replid(), "replid of SnapshotEnd");
        assertEquals(begin.offset(), end.offset(), "offset of SnapshotEnd");
        progress = capture.name() + ": " + end + " after " + keys.size() + " keys";
        return end.offset();
    }

    /**
     * Checks SnapshotBegin, SnapshotFile (its bytes are the capture's RDB slice: size and sha256 of the
     * manifest) and SnapshotEnd in file mode; returns the stream's start offset. The file must be gone
     * once the call after SnapshotFile returned.
     */
    long snapshotFile(Transcript capture, Replica replica) throws Exception {
        ReplicationEvent.SnapshotBegin begin = assertInstanceOf(ReplicationEvent.SnapshotBegin.class, replica.next());
        progress = capture.name() + ": " + begin;
        assertEquals(capture.replicationId(), begin.replid(), "replid of SnapshotBegin");
        assertEquals(capture.rdb().rdbVersion(), begin.rdbVersion(), "RDB version");
        ReplicationEvent.SnapshotFile file = assertInstanceOf(ReplicationEvent.SnapshotFile.class, replica.next());
        assertEquals(begin.replid(), file.replid(), "replid of SnapshotFile");
        assertEquals(begin.offset(), file.offset(), "offset of SnapshotFile");
        byte[] bytes = java.nio.file.Files.readAllBytes(file.file());
        assertEquals(capture.rdb().length(), bytes.length, "size of the snapshot file");
        assertEquals(capture.rdb().sha256(), Transcript.sha256Hex(bytes, 0, bytes.length), "sha256 of the snapshot file");
        ReplicationEvent.SnapshotEnd end = assertInstanceOf(ReplicationEvent.SnapshotEnd.class, replica.next());
        assertFalse(java.nio.file.Files.exists(file.file()), "the file is deleted by the call after SnapshotFile");
        assertEquals(begin.replid(), end.replid(), "replid of SnapshotEnd");
        assertEquals(begin.offset(), end.offset(), "offset of SnapshotEnd");
        progress = capture.name() + ": " + end + " after the snapshot file";
        return end.offset();
    }

    /** Checks the capture's stream commands from {@code from} to the end; returns the end offset of the last. */
    long commands(Transcript capture, Replica replica, long start, int from) throws Exception {
        assertEquals(capture.stream().commands(), capture.streamCommands().size(), "stream.commands");
        return commands(capture, replica, start, from, capture.streamCommands().size());
    }

    /**
     * Checks stream commands {@code [from, to)} in order, the first starting at {@code start}, and
     * reports each as applied, as a consumer would; returns the end offset of the last.
     */
    long commands(Transcript capture, Replica replica, long start, int from, int to) throws Exception {
        List<Transcript.StreamCommand> expected = capture.streamCommands();
        long previousEnd = start;
        long previousReceivedAt = createdAt;
        for (int i = from; i < to; i++) {
            Transcript.StreamCommand want = expected.get(i);
            String where = capture.name() + " command " + i + " (.bin offset " + want.off() + ", " + want.args() + ")";
            ReplicationEvent.Command got = assertInstanceOf(ReplicationEvent.Command.class, replica.next(), where);
            assertEquals(want.nargs(), got.argv().size(), where + ": number of arguments");
            for (int a = 0; a < want.args().size(); a++) {
                assertTrue(want.args().get(a).matches(got.argv().get(a)), where + ": argument " + a);
            }
            assertEquals(want.dbAfter(), got.db(), where + ": db");
            assertEquals(previousEnd, got.startOffset(), where + ": start offset");
            // SYNC has no master offset: the replica counts from its own origin; command lengths still add up.
            long end = capture.isSync() ? previousEnd + want.len() : want.replOffsetAfter();
            assertEquals(end, got.endOffset(), where + ": end offset");
            assertTrue(got.receivedAtMillis() >= previousReceivedAt, where + ": received at " + got.receivedAtMillis()
                    + ", before the previous command (" + previousReceivedAt + ") or before the test started");
            assertTrue(got.receivedAtMillis() <= System.currentTimeMillis(), where + ": received in the future");
            previousReceivedAt = got.receivedAtMillis();
            previousEnd = got.endOffset();
            replica.applied(previousEnd); // what a consumer does as it goes; it frees spool segments
            progress = where + ", ending at offset " + previousEnd;
        }
        return previousEnd;
    }

    /** Records a step that is not a delivered event (a reconnect, an ACK) for the timeout message. */
    void passed(String step) {
        progress = step;
    }

    /** The handshake the capture tool sent, with the PSYNC a SYNC fallback starts with; listening-port values vary. */
    static List<List<String>> expectedHandshake(Transcript capture) {
        List<List<String>> sent = new ArrayList<>();
        for (Transcript.HandshakeStep step : capture.handshake()) {
            if (step.sent().get(0).equals("SYNC")) {
                sent.add(List.of("PSYNC", "?", "-1")); // refused by the master, then SYNC
            }
            sent.add(step.sent().size() == 3 && step.sent().get(1).equals("listening-port")
                    ? List.of("REPLCONF", "listening-port", "<port>") : step.sent());
        }
        return sent;
    }

    /** The handshake commands of one connection as {@link #expectedHandshake} writes them. */
    static List<List<String>> handshakeOf(TranscriptMaster master, int connection) {
        return master.received().stream().filter(c -> c.connection() == connection && !c.isAck()).map(c -> {
            List<String> args = c.args();
            return args.size() == 3 && c.name().equals("REPLCONF") && args.get(1).equalsIgnoreCase("listening-port")
                    ? List.of(args.get(0), args.get(1), "<port>") : args;
        }).toList();
    }

    /** The PSYNC the replica sent on {@code connection}, waiting for it. */
    static ReceivedCommand psync(TranscriptMaster master, int connection) throws InterruptedException {
        return master.awaitReceived(c -> c.connection() == connection && c.name().equals("PSYNC"), WAIT);
    }
}
