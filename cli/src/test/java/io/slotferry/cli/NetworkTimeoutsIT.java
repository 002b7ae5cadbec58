package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * No command waits forever on the network: a port that accepts and never answers, TLS against a plain
 * port and plain TCP against a TLS port each end within the command's bound, with a message naming the
 * endpoint and what it did not do.
 */
@ExtendWith(RealServers.class)
class NetworkTimeoutsIT {
    /** The connect-and-reply bound of run, plan and verify is 10 s; this leaves room for a loaded machine. */
    private static final Duration BOUND = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    private ServerSocket silent;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final InProcessMigrate migrate = new InProcessMigrate();

    @BeforeEach
    void listenWithoutAnswering() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    accepted.add(silent.accept()); // kept open, never read, never answered
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent listener");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void close() throws IOException {
        silent.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    private String silentUri() {
        return "redis://127.0.0.1:" + silent.getLocalPort();
    }


    /** {@code migrate args...}, failing the test if it does not end within {@link #BOUND}. */
    private int bounded(String... args) {
        return assertTimeoutPreemptively(BOUND, () -> migrate.run(args),
                () -> "migrate " + String.join(" ", args) + " did not end within " + BOUND + "\n" + migrate.said());
    }

    private void assertFailsNaming(int code, String... parts) {
        assertTrue(code != 0, "exit " + code + "\n" + migrate.said());
        String all = migrate.said();
        for (String p : parts) {
            assertTrue(all.contains(p), "names " + p + "\n" + all);
        }
        assertTrue(!all.contains("\tat "), "no stack trace\n" + all);
    }

    @Test
    void runPlanAndVerifyGiveUpOnASourceThatNeverAnswers(StandaloneRedis target) {
        String port = "127.0.0.1:" + silent.getLocalPort();
        assertFailsNaming(bounded("run", "--source", silentUri(), "--target", target.uri(), "--state-dir", dir.resolve("s").toString()),
                port, "no reply");
        assertFailsNaming(bounded("plan", "--source", silentUri(), "--target", target.uri()), port, "no reply");
        assertFailsNaming(bounded("verify", "--source", silentUri(), "--target", target.uri()), port, "no reply");
    }

    @Test
    void runPlanAndVerifyGiveUpOnATargetThatNeverAnswers(StandaloneRedis source) {
        String port = "127.0.0.1:" + silent.getLocalPort();
        assertFailsNaming(bounded("run", "--source", source.uri(), "--target", silentUri(), "--db-map", "only:0",
                "--state-dir", dir.resolve("s").toString()), port, "no reply");
        assertFailsNaming(bounded("plan", "--source", source.uri(), "--target", silentUri()), port, "no reply");
        assertFailsNaming(bounded("verify", "--source", source.uri(), "--target", silentUri()), port, "no reply");
    }

    @Test
    void rdbDumpAndFetchOfASourceThatNeverAnswersEndNamingIt() {
        String port = "127.0.0.1:" + silent.getLocalPort();
        assertFailsNaming(bounded("rdb", "dump", silentUri()), port, "no reply to PING");
        assertFailsNaming(bounded("rdb", "fetch", silentUri(), dir.resolve("snap.rdb").toString()), port, "no reply to PING");
    }

    @Test
    void aTlsHandshakeThatNeverGetsAnAnswerEndsNamingTheEndpoint(StandaloneRedis source) {
        String silentTls = "rediss://127.0.0.1:" + silent.getLocalPort();
        assertFailsNaming(bounded("plan", "--source", source.uri(), "--target", silentTls, "--target-tls-insecure"),
                "127.0.0.1:" + silent.getLocalPort(), "TLS");
        assertFailsNaming(bounded("run", "--source", source.uri(), "--target", silentTls, "--target-tls-insecure",
                "--state-dir", dir.resolve("s").toString()), "127.0.0.1:" + silent.getLocalPort(), "TLS");
    }

    @Test
    void redissAgainstAPlainRedisPortSaysToUseRedis(StandaloneRedis source, StandaloneRedis plainTarget) {
        String tlsToPlain = "rediss://127.0.0.1:" + plainTarget.port();
        assertFailsNaming(bounded("run", "--source", source.uri(), "--target", tlsToPlain, "--target-tls-insecure",
                "--state-dir", dir.resolve("s").toString()), "127.0.0.1:" + plainTarget.port(), "redis://");
        assertFailsNaming(bounded("verify", "--source", "rediss://127.0.0.1:" + source.port(), "--target", source.uri()),
                "127.0.0.1:" + source.port(), "redis://");
    }

    @Test
    void plainTcpAgainstATlsPortSaysToUseRediss(StandaloneRedis source, RedisClusterFixture cluster) {
        ClusterNode seed = cluster.masters().get(0);
        String plainToTls = "redis://127.0.0.1:" + seed.port();
        assertFailsNaming(bounded("run", "--source", source.uri(), "--target", plainToTls, "--state-dir", dir.resolve("s").toString()),
                "this port speaks TLS: use rediss://");
        assertFailsNaming(bounded("plan", "--source", source.uri(), "--target", plainToTls), "this port speaks TLS: use rediss://");
    }
}
