package io.slotferry.replication.transcript;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fake master that replays captured replication sessions ({@link Transcript}) over a real loopback
 * socket, byte for byte, as the captures' README describes: it answers the handshake with the
 * recorded replies ({@code PING}, {@code AUTH}, {@code REPLCONF}; {@code -ERR unknown command 'PSYNC'}
 * for SYNC captures so the replica falls back to {@code SYNC}), then writes the {@code .bin} from the
 * sync reply on. After a diskless ({@code $EOF:}) transfer it waits for the replica's first
 * {@code REPLCONF ACK} before streaming, as real masters do.
 *
 * <p>Each accepted connection is served the next {@link MasterSession} of the script given at start; once
 * the script is used up, connections are closed as soon as they are accepted (a master that went
 * away). Every command the replica sends is recorded with its time, on a reader thread that keeps
 * reading while the master writes, so tests can assert on the handshake, PSYNC arguments and ACKs.
 *
 * <pre>
 * try (TranscriptMaster master = TranscriptMaster.startWithContinuation(Transcript.load("redis-7.0.15-disk"))) {
 *     // point a replica at 127.0.0.1:master.port(), consume the first session, then:
 *     master.dropConnection();              // the replica reconnects and is served the -continue capture
 *     master.awaitAck(end, Duration.ofSeconds(5));
 * }
 * </pre>
 */
public final class TranscriptMaster implements AutoCloseable {

    private final List<MasterSession> script;
    private final Map<String, byte[]> bins = new HashMap<>();
    private final ServerSocket server;
    private final long startNanos = System.nanoTime();
    private final List<ReceivedCommand> received = new ArrayList<>(); // guarded by itself
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<Throwable> problems = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    private TranscriptMaster(List<MasterSession> script) throws IOException {
        this.script = List.copyOf(script);
        for (MasterSession s : script) {
            bins.computeIfAbsent(s.capture().name(), n -> s.capture().readBin());
        }
        server = new ServerSocket();
        // 127.0.0.1 explicitly: getLoopbackAddress() may be ::1, where a replica told 127.0.0.1 would not connect.
        server.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
        acceptor = new Thread(this::acceptLoop, "transcript-master-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Serves {@code capture} on the first connection. */
    public static TranscriptMaster start(Transcript capture) {
        return start(MasterSession.of(capture));
    }

    /** Serves {@code capture} on the first connection and its {@code -continue} capture on the second. */
    public static TranscriptMaster startWithContinuation(Transcript capture) {
        Transcript next = capture.continueCapture()
                .orElseThrow(() -> new IllegalArgumentException(capture.name() + " has no -continue capture"));
        return start(MasterSession.of(capture), MasterSession.of(next));
    }

    /** Serves the sessions in order, one per accepted connection. */
    public static TranscriptMaster start(MasterSession... sessions) {
        try {
            return new TranscriptMaster(List.of(sessions));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on the loopback interface", e);
        }
    }

    /** The loopback port the master listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** How many connections were accepted so far. */
    public int connectionCount() {
        return accepted.get();
    }

    /** Every command received so far, in order, from all connections. */
    public List<ReceivedCommand> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** The offsets of every {@code REPLCONF ACK} received so far, in order. */
    public List<Long> ackOffsets() {
        return received().stream().filter(ReceivedCommand::isAck).map(ReceivedCommand::ackOffset).toList();
    }

    /** Waits for the first received command matching {@code what}; fails listing what was received. */
    public ReceivedCommand awaitReceived(Predicate<ReceivedCommand> what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                for (ReceivedCommand c : received) {
                    if (what.test(c)) {
                        return c;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the replica sent no matching command within " + timeout + "; it sent " + received);
                }
                TimeUnit.NANOSECONDS.timedWait(received, left);
            }
        }
    }

    /** Waits for a {@code REPLCONF ACK} of at least {@code offset}. */
    public ReceivedCommand awaitAck(long offset, Duration timeout) throws InterruptedException {
        return awaitReceived(c -> c.isAck() && c.ackOffset() >= offset, timeout);
    }

    /** Closes every open connection now, as a network failure or a master restart would. */
    public void dropConnection() {
        for (Connection c : connections) {
            c.drop();
        }
    }

    /** Unexpected errors of the master's threads (malformed commands from the replica, bugs here). */
    public List<Throwable> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a listening socket has nothing left to report
        }
        dropConnection();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    problems.add(e);
                }
                return;
            }
            int index = accepted.incrementAndGet();
            MasterSession session = index <= script.size() ? script.get(index - 1) : null;
            Connection c = new Connection(index, socket, session);
            connections.add(c);
            Thread t = new Thread(c::serve, "transcript-master-" + port() + "-conn-" + index);
            t.setDaemon(true);
            t.start();
        }
    }

    private ReceivedCommand record(int connection, ReplicaCommandReader.Parsed parsed) {
        ReceivedCommand c = new ReceivedCommand(connection, Duration.ofNanos(System.nanoTime() - startNanos),
                parsed.argv(), parsed.inline());
        synchronized (received) {
            received.add(c);
            received.notifyAll();
        }
        return c;
    }

    /** One accepted connection: its reader thread answers the handshake; a sender thread writes the capture. */
    private final class Connection {
        private final int index;
        private final Socket socket;
        private final MasterSession session;
        private final byte[] bin;
        private final CountDownLatch ackAfterTransfer = new CountDownLatch(1);
        private volatile boolean transferSent;
        private volatile boolean syncing;
        private volatile boolean dropped;

        Connection(int index, Socket socket, MasterSession session) {
            this.index = index;
            this.socket = socket;
            this.session = session;
            this.bin = session == null ? null : bins.get(session.capture().name());
        }

        void serve() {
            try (socket) {
                if (session == null) {
                    return; // past the script: behave like a master that is gone
                }
                socket.setTcpNoDelay(true);
                ReplicaCommandReader reader = new ReplicaCommandReader(new BufferedInputStream(socket.getInputStream()));
                ReplicaCommandReader.Parsed parsed;
                while ((parsed = reader.next()) != null) {
                    answer(record(index, parsed));
                }
            } catch (ProtocolException e) {
                problems.add(new AssertionError("connection " + index + ": the replica sent a malformed command", e));
            } catch (IOException e) {
                // The replica closed or reset the connection, or the test dropped it: part of a connection's life.
            } catch (RuntimeException e) {
                problems.add(e);
            } finally {
                connections.remove(this);
            }
        }

        private void answer(ReceivedCommand command) throws IOException {
            if (command.isAck()) {
                if (transferSent) {
                    ackAfterTransfer.countDown();
                }
                return; // masters never answer ACKs
            }
            if (syncing) {
                return; // once syncing, a master only reads ACKs; the command stays recorded for the test
            }
            Transcript capture = session.capture();
            switch (command.name()) {
                case "PING" -> reply(recordedReply("PING", null, "+PONG"));
                case "AUTH" -> reply("+OK");
                case "REPLCONF" -> reply(recordedReply("REPLCONF", command.argv().size() > 1 ? command.arg(1) : "", "+OK"));
                case "PSYNC" -> {
                    if (capture.isSync()) {
                        reply("-ERR unknown command 'PSYNC'"); // makes the replica fall back to SYNC, as the capture did
                    } else {
                        long backlogStart = session.backlog() ? backlogStart(command) : -1;
                        if (backlogStart >= 0) {
                            // 4.0+ masters name the id to a replica that sent capa psync2; 2.8/3.2 answer bare.
                            reply(capture.rdb().rdbVersion() >= 8 ? "+CONTINUE " + capture.syncReply().replid() : "+CONTINUE");
                        }
                        startSending(backlogStart >= 0 ? backlogStart : capture.syncResponseStart());
                    }
                }
                case "SYNC" -> {
                    if (capture.isContinue()) {
                        reply("-ERR fake master: " + capture.name() + " is a partial resync and cannot answer SYNC");
                    } else {
                        // A PSYNC-capable master answers SYNC with the same transfer, minus the +FULLRESYNC line.
                        startSending(capture.isSync() ? capture.syncResponseStart() : capture.syncReplyEnd());
                    }
                }
                default -> reply("-ERR unknown command '" + command.arg(0) + "'");
            }
        }

        /** Where the capture's stream holds the bytes after the PSYNC's offset, or -1 when it cannot continue. */
        private long backlogStart(ReceivedCommand psync) {
            Transcript capture = session.capture();
            if (capture.isContinue() || psync.argv().size() != 3 || !psync.arg(1).equals(capture.syncReply().replid())) {
                return -1;
            }
            long processed;
            try {
                processed = Long.parseLong(psync.arg(2)) - 1; // PSYNC asks for the first byte it lacks
            } catch (NumberFormatException e) {
                return -1;
            }
            long initial = capture.stream().initialReplOffset();
            return processed < initial || processed > capture.masterReplOffsetEnd() ? -1 : capture.stream().start() + processed - initial;
        }

        private String recordedReply(String name, String subcommand, String fallback) {
            for (Transcript.HandshakeStep step : session.capture().handshake()) {
                List<String> sent = step.sent();
                boolean sameCommand = sent.get(0).equalsIgnoreCase(name)
                        && (subcommand == null || (sent.size() > 1 && sent.get(1).equalsIgnoreCase(subcommand)));
                if (sameCommand && step.reply() != null) {
                    return step.reply();
                }
            }
            return fallback;
        }

        private void reply(String line) throws IOException {
            OutputStream out = socket.getOutputStream();
            synchronized (this) {
                out.write((line + "\r\n").getBytes(ISO_8859_1));
                out.flush();
            }
        }

        private void startSending(long from) {
            syncing = true;
            Thread sender = new Thread(() -> send(from), "transcript-master-" + port() + "-send-" + index);
            sender.setDaemon(true);
            sender.start();
        }

        private void send(long from) {
            Transcript capture = session.capture();
            long end = session.dropAt() >= 0 ? Math.min(session.dropAt(), bin.length) : bin.length;
            try {
                long pause = capture.isDiskless() ? capture.rdb().transferEnd() : -1;
                if (pause > from && pause <= end) {
                    long markStart = Math.max(from, capture.rdb().payloadEnd());
                    write(from, markStart);
                    // Only an ACK sent after the replica can have seen the EOF mark releases the stream.
                    transferSent = true;
                    write(markStart, pause);
                    while (!ackAfterTransfer.await(100, TimeUnit.MILLISECONDS)) {
                        if (closed || dropped || socket.isClosed()) {
                            return;
                        }
                    }
                    write(pause, end);
                } else {
                    write(from, end);
                }
                if (session.dropAt() >= 0 || session.dropAfterEnd()) {
                    socket.shutdownOutput(); // FIN after the last byte, so nothing sent is lost to a reset
                    drop();
                }
            } catch (IOException e) {
                // The replica closed the connection or the test dropped it: nothing more to send.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void write(long from, long to) throws IOException {
            OutputStream out = socket.getOutputStream();
            for (long at = from; at < to; at += session.pieceBytes()) {
                int n = (int) Math.min(session.pieceBytes(), to - at);
                synchronized (this) {
                    out.write(bin, (int) at, n);
                }
            }
            out.flush();
        }

        void drop() {
            dropped = true;
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
