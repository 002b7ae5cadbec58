package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The target options against the real TLS cluster (ElastiCache-shaped: TLS only, ACL user): which
 * trust settings connect, which fail in the TLS handshake, and that host names are verified.
 */
@ExtendWith(RealServers.class)
class TargetOptionsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final RespValue PONG = new RespValue.SimpleString("PONG");

    private final StringWriter err = new StringWriter();

    private RedisEndpoint endpoint(String... args) {
        TargetOptionsTest.Probe probe = new TargetOptionsTest.Probe();
        CommandLine cl = new CommandLine(probe);
        cl.setErr(new PrintWriter(err, true));
        cl.parseArgs(args);
        return probe.target.endpoint();
    }

    private static Path passwordFile(RedisClusterFixture cluster, Path dir) throws IOException {
        // With the line break `echo` would add: it must not become part of the password.
        return Files.writeString(dir.resolve("target-password"), cluster.aclPassword() + "\n", StandardCharsets.UTF_8);
    }

    private static String node(RedisClusterFixture cluster) {
        return cluster.seed().getHost() + ":" + cluster.seed().getPort();
    }

    @Test
    void theFixtureCaAndTheAclUserWithAPasswordFileConnectAndPingAnswersPong(RedisClusterFixture cluster, @TempDir Path dir)
            throws Exception {
        RedisEndpoint target = endpoint("--target", "rediss://" + cluster.aclUser() + "@" + node(cluster),
                "--target-cacert", cluster.caCertFile().toString(), "--target-password-file", passwordFile(cluster, dir).toString());
        try (RedisConnection c = RedisConnection.open(target, TIMEOUT)) {
            assertEquals(PONG, c.call("PING"));
            // Authenticated as the least-privilege user, not as the default one.
            RespValue config = c.call("CONFIG", "GET", "maxmemory");
            assertTrue(config instanceof RespValue.Error e && e.code().equals("NOPERM"), String.valueOf(config));
        }
        assertEquals("", err.toString(), "no warning when TLS is verified");
    }

    @Test
    void withoutTheCaTheJvmTrustStoreRefusesTheCertificateInTheHandshake(RedisClusterFixture cluster, @TempDir Path dir)
            throws Exception {
        RedisEndpoint target = endpoint("--target", "rediss://" + node(cluster), "--target-user", cluster.aclUser(),
                "--target-password-file", passwordFile(cluster, dir).toString());
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> RedisConnection.open(target, TIMEOUT).close());
        assertTrue(e.getMessage().contains("unable to find valid certification path"), e.getMessage());
        assertFalse(e.getMessage().contains(cluster.aclPassword()));
    }

    @Test
    void insecureTlsConnectsWithoutTheCaAndWarns(RedisClusterFixture cluster, @TempDir Path dir) throws Exception {
        RedisEndpoint target = endpoint("--target", "rediss://" + cluster.aclUser() + "@" + node(cluster),
                "--target-tls-insecure", "--target-password-file", passwordFile(cluster, dir).toString());
        try (RedisConnection c = RedisConnection.open(target, TIMEOUT)) {
            assertEquals(PONG, c.call("PING"));
        }
        assertTrue(err.toString().startsWith("WARNING: --target-tls-insecure"), err.toString());
    }

    @Test
    void aHostNameTheCertificateDoesNotNameFailsWithTheCaButPassesInsecure(RedisClusterFixture cluster, @TempDir Path dir)
            throws Exception {
        String password = passwordFile(cluster, dir).toString();
        // The certificate names 127.0.0.1 and localhost; the relay is the same node under 127.0.0.2.
        try (Relay relay = new Relay(cluster.seed().getHost(), cluster.seed().getPort())) {
            String other = "rediss://" + cluster.aclUser() + "@" + relay.address();
            RedisEndpoint verified = endpoint("--target", other, "--target-cacert", cluster.caCertFile().toString(),
                    "--target-password-file", password);
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> RedisConnection.open(verified, TIMEOUT).close());
            assertTrue(e.getMessage().contains("127.0.0.2"), e.getMessage());
            RedisEndpoint insecure = endpoint("--target", other, "--target-tls-insecure", "--target-password-file", password);
            try (RedisConnection c = RedisConnection.open(insecure, TIMEOUT)) {
                assertInstanceOf(RespValue.SimpleString.class, c.call("PING"));
            }
        }
    }

    /** Forwards TCP connections from 127.0.0.2 to one node: the same server at an address its certificate does not name. */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Relay(String host, int port) throws IOException {
            listener.bind(new InetSocketAddress("127.0.0.2", 0));
            daemon(() -> {
                try {
                    while (true) {
                        Socket client = listener.accept();
                        Socket node = new Socket(host, port);
                        sockets.add(client);
                        sockets.add(node);
                        daemon(() -> pump(client, node));
                        daemon(() -> pump(node, client));
                    }
                } catch (IOException closed) {
                    // close() ends the accept loop
                }
            });
        }

        String address() {
            return "127.0.0.2:" + listener.getLocalPort();
        }

        private static void pump(Socket from, Socket to) {
            try (from; to) {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (IOException closed) {
                // one side hung up: closing both ends the other direction too
            }
        }

        private static void daemon(Runnable work) {
            Thread t = new Thread(work, "target-relay");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
