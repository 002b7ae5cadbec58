package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.Await;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/** What an operator reads when a run cannot go on: what failed and where, in words, never a stack trace. */
@ExtendWith(RealServers.class)
class FailureMessagesIT {
    private static final Path CORPUS = Path.of(System.getProperty("slotferry.shared.dir", "../../shared"), "rdb-corpus");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int migrate(String... args) {
        CommandLine cl = Migrate.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private void assertNoStackTrace(String text) {
        assertTrue(!text.contains("\tat ") && !text.contains("Exception"), "no stack trace, no exception names\n" + text);
    }

    @Test
    void truncatedAndCorruptCompressedFilesAreNamedAsSuch() throws Exception {
        byte[] rdb = Files.readAllBytes(CORPUS.resolve("redis-7.2.6.rdb"));
        for (String format : new String[] {CompressorStreamFactory.GZIP, CompressorStreamFactory.XZ, CompressorStreamFactory.BZIP2}) {
            Path whole = dir.resolve("whole." + format);
            try (OutputStream o = new CompressorStreamFactory().createCompressorOutputStream(format, Files.newOutputStream(whole))) {
                o.write(rdb);
            }
            byte[] all = Files.readAllBytes(whole);
            Path cut = Files.write(dir.resolve("cut." + format), Arrays.copyOf(all, Math.min(all.length - 1, 200)));
            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);
            int code = migrate("rdb", "dump", cut.toString());
            assertEquals(Migrate.EXIT_IO, code, err.toString());
            assertTrue(err.toString().contains("truncated") || err.toString().contains("ends early"), format + ": " + err);
            assertTrue(!err.toString().contains("migrate: null") && !err.toString().contains("CompressorInputStream"), err.toString());
            assertNoStackTrace(err.toString());
        }
    }

    @Test
    void aMetricsPortInUseIsNamedWithItsOption(StandaloneRedis target) throws Exception {
        Path gz = dir.resolve("dump.rdb.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(CORPUS.resolve("redis-7.2.6.rdb"), o);
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = migrate("run", "--source", "rdb:" + gz, "--target", target.uri(), "--state-dir", dir.resolve("s").toString(),
                    "--metrics-port", Integer.toString(taken.getLocalPort()));
            assertTrue(code != 0, err.toString());
            assertTrue(err.toString().contains("127.0.0.1:" + taken.getLocalPort()) && err.toString().contains("--metrics-port")
                    && err.toString().contains("in use"), err.toString());
            assertNoStackTrace(err.toString());
        }
    }

    @Test
    void aStateDirectoryThatCannotBeCreatedIsExplained(StandaloneRedis target) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        int code = migrate("run", "--source", "rdb:" + CORPUS.resolve("redis-7.2.6.rdb"), "--target", target.uri(),
                "--state-dir", file.resolve("state").toString());
        assertEquals(1, code, err.toString());
        assertTrue(err.toString().contains("cannot create state directory " + file.resolve("state")), err.toString());
        assertNoStackTrace(err.toString());
    }

    @Test
    void aReplicatedFlushallStopsTheRunWithItsMessageAndNoStackTrace(StandaloneRedis source) throws Exception {
        try (Jedis j = source.jedis()) {
            j.set("k", "v");
        }
        try (StandaloneRedis target = StandaloneRedis.start();
                MigrateProcess run = MigrateProcess.start(dir.resolve("run.log"), Map.of(), "run", "--source", source.uri(),
                        "--target", target.uri(), "--state-dir", dir.resolve("s").toString(), "--progress-interval", "200ms")) {
            Await.until("streaming", Duration.ofSeconds(60), () -> run.output().contains("STREAMING") || !run.alive());
            try (Jedis j = source.jedis()) {
                j.flushAll();
            }
            Await.until("the run stops", Duration.ofSeconds(30), () -> !run.alive());
            assertEquals(1, run.terminate(1), run.output());
            assertTrue(run.output().contains("FLUSHALL"), run.output());
            assertNoStackTrace(run.output());
        }
    }
}
