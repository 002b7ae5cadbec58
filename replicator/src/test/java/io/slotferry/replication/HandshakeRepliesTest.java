package io.slotferry.replication;

import io.slotferry.resp.RedisEndpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.resp.RespReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the replica treats the master's answer to PSYNC: "not now" errors ({@code -LOADING},
 * {@code -NOMASTERLINK}) are retried until a sync succeeds; any other error stops it at once.
 */
class HandshakeRepliesTest {
    private static final String REPLID = "a".repeat(40);

    /** A one-thread fake master: answers the handshake, then the PSYNC reply of the n-th connection. */
    private static final class ScriptedMaster implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger connections = new AtomicInteger();
        final Thread thread;

        ScriptedMaster(List<String> psyncReplies, byte[] rdb) throws Exception {
            thread = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        int n = connections.getAndIncrement();
                        RespReader in = new RespReader(s.getInputStream(), 4096);
                        OutputStream out = s.getOutputStream();
                        while (true) {
                            List<?> cmd = ((io.slotferry.resp.RespValue.Array) in.read()).items();
                            String name = ((io.slotferry.resp.RespValue.Bulk) cmd.get(0)).text().toUpperCase(java.util.Locale.ROOT);
                            if (!name.equals("PSYNC")) {
                                out.write((name.equals("PING") ? "+PONG\r\n" : "+OK\r\n").getBytes(StandardCharsets.US_ASCII));
                                continue;
                            }
                            String reply = psyncReplies.get(Math.min(n, psyncReplies.size() - 1));
                            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            if (reply.startsWith("+FULLRESYNC")) {
                                out.write(("$" + rdb.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                                out.write(rdb);
                                out.flush();
                                Thread.sleep(60_000); // keep the link open; the test closes everything
                            } else {
                                s.close();
                            }
                            break;
                        }
                    }
                } catch (Exception stopped) {
                    // server closed by the test
                }
            }, "scripted-master");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    private static byte[] smallRdb() throws Exception {
        return Files.readAllBytes(Path.of(System.getProperty("slotferry.shared.dir", "../../shared"),
                "rdb-corpus", "rdbtools-dumps", "rdb_version_5_with_checksum.rdb"));
    }

    @Test
    void loadingAndNoMasterLinkAreRetriedUntilTheSyncSucceeds(@TempDir Path spool) {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (ScriptedMaster master = new ScriptedMaster(List.of(
                    "-LOADING Redis is loading the dataset in memory",
                    "-NOMASTERLINK Can't SYNC while not connected with my master",
                    "+FULLRESYNC " + REPLID + " 0"), smallRdb());
                 Replica replica = Replica.start(RedisEndpoint.plain("127.0.0.1", master.server.getLocalPort()),
                         ReplicaOptions.defaults(spool))) {
                ReplicationEvent first = replica.next();
                assertInstanceOf(ReplicationEvent.SnapshotBegin.class, first);
                assertEquals(new ReplicationId(REPLID), ((ReplicationEvent.SnapshotBegin) first).replid());
                assertEquals(3, master.connections.get(), "two refusals, then the sync");
            }
        });
    }

    @Test
    void anyOtherErrorStopsTheReplicaAtOnce(@TempDir Path spool) {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (ScriptedMaster master = new ScriptedMaster(List.of("-ERR Replica can't be master of itself"), smallRdb());
                 Replica replica = Replica.start(RedisEndpoint.plain("127.0.0.1", master.server.getLocalPort()),
                         ReplicaOptions.defaults(spool))) {
                ReplicationException e = assertThrows(ReplicationException.class, replica::next);
                assertTrue(e.getMessage().contains("Replica can't be master of itself"), e.getMessage());
                assertEquals(1, master.connections.get(), "not retried");
            }
        });
    }
}
