package io.slotferry.replication.transcript;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves the fake master independently of the replicator, with a hand-written raw-socket replica:
 * bytes received equal the .bin slices, a diskless master holds the stream until the first ACK, SYNC
 * captures refuse PSYNC, the -continue capture is served on the next connection, drops happen where
 * asked, and every command the replica sends is recorded.
 */
class TranscriptMasterTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void diskPsyncCaptureIsServedByteForByteFromTheFullResyncLine() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Transcript capture = Transcript.load("redis-7.0.15-disk");
            byte[] bin = capture.readBin();
            try (TranscriptMaster master = TranscriptMaster.start(capture); RawReplica replica = new RawReplica(master.port())) {
                replica.handshake();
                replica.send("PSYNC", "?", "-1");
                assertArrayEquals(slice(bin, capture.syncResponseStart(), bin.length), replica.read(bin.length - capture.syncResponseStart()));
                replica.send("REPLCONF", "ACK", Long.toString(capture.masterReplOffsetEnd()));
                master.awaitAck(capture.masterReplOffsetEnd(), WAIT);
                assertEquals(List.of(List.of("PING"), List.of("REPLCONF", "listening-port", "4242"),
                        List.of("REPLCONF", "capa", "eof", "capa", "psync2"), List.of("PSYNC", "?", "-1"),
                        List.of("REPLCONF", "ACK", Long.toString(capture.masterReplOffsetEnd()))),
                        master.received().stream().map(ReceivedCommand::args).toList());
                assertEquals(List.of(false, true, false, false, false), master.received().stream().map(ReceivedCommand::inline).toList(),
                        "the listening-port command was sent inline, the others as RESP arrays");
                assertEquals(List.of(), master.problems());
            }
        });
    }

    @Test
    void disklessMasterHoldsTheStreamUntilTheFirstAckAfterTheEofMark() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Transcript capture = Transcript.load("redis-7.0.15-diskless");
            byte[] bin = capture.readBin();
            try (TranscriptMaster master = TranscriptMaster.start(capture); RawReplica replica = new RawReplica(master.port())) {
                replica.handshake();
                replica.send("PSYNC", "?", "-1");
                long markEnd = capture.rdb().transferEnd();
                assertArrayEquals(slice(bin, capture.syncResponseStart(), markEnd), replica.read(markEnd - capture.syncResponseStart()));
                replica.expectSilence(Duration.ofMillis(500));
                replica.send("REPLCONF", "ACK", "0");
                assertArrayEquals(slice(bin, markEnd, bin.length), replica.read(bin.length - markEnd));
                assertEquals(List.of(0L), master.ackOffsets());
            }
        });
    }

    @Test
    void syncCaptureRefusesPsyncSoTheReplicaFallsBackToSync() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Transcript capture = Transcript.load("redis-2.8.24-sync-disk");
            byte[] bin = capture.readBin();
            try (TranscriptMaster master = TranscriptMaster.start(capture); RawReplica replica = new RawReplica(master.port())) {
                replica.handshake();
                replica.send("PSYNC", "?", "-1");
                assertEquals("-ERR unknown command 'PSYNC'", replica.readLine());
                replica.send("SYNC");
                assertArrayEquals(slice(bin, capture.syncResponseStart(), bin.length), replica.read(bin.length - capture.syncResponseStart()));
                assertEquals(List.of("PSYNC", "SYNC"), master.received().stream().skip(3).map(ReceivedCommand::name).toList());
            }
        });
    }

    @Test
    void syncToAPsyncCaptureGetsTheTransferWithoutTheFullResyncLine() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Transcript capture = Transcript.load("redis-2.8.24-psync-diskless");
            byte[] bin = capture.readBin();
            try (TranscriptMaster master = TranscriptMaster.start(capture); RawReplica replica = new RawReplica(master.port())) {
                replica.handshake();
                replica.send("SYNC");
                long markEnd = capture.rdb().transferEnd();
                assertArrayEquals(slice(bin, capture.syncReplyEnd(), markEnd), replica.read(markEnd - capture.syncReplyEnd()));
                replica.send("REPLCONF", "ACK", "0");
                assertArrayEquals(slice(bin, markEnd, bin.length), replica.read(bin.length - markEnd));
            }
        });
    }

    @Test
    void continueCaptureIsServedOnTheSecondConnectionAfterADrop() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Transcript capture = Transcript.load("redis-2.8.24-psync-disk");
            Transcript next = capture.continueCapture().orElseThrow();
            byte[] bin = capture.readBin();
            byte[] nextBin = next.readBin();
            try (TranscriptMaster master = TranscriptMaster.startWithContinuation(capture)) {
                try (RawReplica first = new RawReplica(master.port())) {
                    first.handshake();
                    first.send("PSYNC", "?", "-1");
                    first.read(bin.length - capture.syncResponseStart());
                    master.dropConnection();
                    first.expectEnd();
                }
                try (RawReplica second = new RawReplica(master.port())) {
                    second.handshake();
                    List<String> psync = next.resumedFrom().psyncSent();
                    second.send(psync.toArray(String[]::new));
                    assertEquals("+CONTINUE", second.readLine());
                    assertArrayEquals(slice(nextBin, next.syncReplyEnd(), nextBin.length), second.read(nextBin.length - next.syncReplyEnd()));
                    ReceivedCommand sent = master.awaitReceived(c -> c.connection() == 2 && c.name().equals("PSYNC"), WAIT);
                    assertEquals(psync, sent.args());
                }
                assertEquals(2, master.connectionCount());
            }
        });
    }

    @Test
    void sessionsDropExactlyWhereAskedAndConnectionsBeyondTheScriptAreClosedAtOnce() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Transcript capture = Transcript.load("redis-5.0.14-disk");
            byte[] bin = capture.readBin();
            long midRdb = capture.rdb().payloadStart() + 100;
            MasterSession first = MasterSession.of(capture).droppedAt(midRdb);
            MasterSession second = MasterSession.of(capture).droppedAfterEnd();
            try (TranscriptMaster master = TranscriptMaster.start(first, second)) {
                for (long end : new long[] {midRdb, bin.length}) {
                    try (RawReplica replica = new RawReplica(master.port())) {
                        replica.handshake();
                        replica.send("PSYNC", "?", "-1");
                        assertArrayEquals(slice(bin, capture.syncResponseStart(), end), replica.readToEnd());
                    }
                }
                try (RawReplica third = new RawReplica(master.port())) {
                    third.expectEnd();
                }
                assertEquals(3, master.connectionCount());
            }
        });
    }

    @Test
    void aBacklogSessionContinuesFromTheRequestedOffsetAndFullySyncsAnUnknownId() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Transcript capture = Transcript.load("redis-4.0.14-disk");
            byte[] bin = capture.readBin();
            Transcript.StreamCommand resumeAt = capture.streamCommands().get(11);
            long processed = capture.streamCommands().get(10).replOffsetAfter();
            MasterSession backlog = MasterSession.of(capture).withBacklog();
            try (TranscriptMaster master = TranscriptMaster.start(backlog, backlog)) {
                try (RawReplica replica = new RawReplica(master.port())) {
                    replica.handshake();
                    replica.send("PSYNC", capture.syncReply().replid(), Long.toString(processed + 1));
                    assertEquals("+CONTINUE " + capture.syncReply().replid(), replica.readLine());
                    assertArrayEquals(slice(bin, resumeAt.off(), bin.length), replica.read(bin.length - resumeAt.off()));
                }
                try (RawReplica replica = new RawReplica(master.port())) {
                    replica.handshake();
                    replica.send("PSYNC", "0123456789012345678901234567890123456789", Long.toString(processed + 1));
                    assertArrayEquals(slice(bin, capture.syncResponseStart(), bin.length), replica.read(bin.length - capture.syncResponseStart()));
                }
            }
        });
    }

    private static byte[] slice(byte[] bin, long from, long to) {
        return Arrays.copyOfRange(bin, (int) from, (int) to);
    }

    /** A replica written by hand: just enough protocol to drive the fake master. */
    private static final class RawReplica implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        RawReplica(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout((int) WAIT.toMillis());
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        /** PING as a RESP array, listening-port inline (as real 2.8-6.x replicas send it), capa as an array. */
        void handshake() throws IOException {
            send("PING");
            assertEquals("+PONG", readLine());
            out.write("REPLCONF listening-port 4242\r\n".getBytes(ISO_8859_1));
            assertEquals("+OK", readLine());
            send("REPLCONF", "capa", "eof", "capa", "psync2");
            assertEquals("+OK", readLine());
        }

        void send(String... args) throws IOException {
            StringBuilder resp = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                resp.append('$').append(a.getBytes(ISO_8859_1).length).append("\r\n").append(a).append("\r\n");
            }
            out.write(resp.toString().getBytes(ISO_8859_1));
            out.flush();
        }

        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                assertTrue(b >= 0, "connection ended inside a line");
                line.write(b);
            }
            byte[] bytes = line.toByteArray();
            return new String(bytes, 0, bytes.length - 1, ISO_8859_1); // without the \r
        }

        byte[] read(long n) throws IOException {
            byte[] bytes = in.readNBytes((int) n);
            assertEquals(n, bytes.length, "the master closed the connection early");
            return bytes;
        }

        byte[] readToEnd() throws IOException {
            return in.readAllBytes();
        }

        void expectEnd() throws IOException {
            assertEquals(-1, in.read(), "the master closed the connection");
        }

        void expectSilence(Duration duration) throws IOException {
            socket.setSoTimeout((int) duration.toMillis());
            assertThrows(SocketTimeoutException.class, in::read, "the master sent nothing for " + duration);
            socket.setSoTimeout((int) WAIT.toMillis());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
