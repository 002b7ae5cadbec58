package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.Await;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import java.io.OutputStream;
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
import redis.clients.jedis.Jedis;

/** What an operator reads when a run cannot go on: what failed and where, in words, never a stack trace. */
@ExtendWith(RealServers.class)
class FailureMessagesIT {
    private static final Path CORPUS = Path.of(System.getProperty("slotferry.shared.dir", "../../shared"), "rdb-corpus");

    @TempDir
    Path dir;

    private final InProcessMigrate migrate = new InProcessMigrate();


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
            int code = migrate.run("rdb", "dump", cut.toString());
            assertEquals(Migrate.EXIT_IO, code, migrate.err());
            assertTrue(migrate.err().contains("truncated") || migrate.err().contains("ends early"), format + ": " + migrate.err());
            assertTrue(!migrate.err().contains("migrate: null") && !migrate.err().contains("CompressorInputStream"), migrate.err());
            assertNoStackTrace(migrate.err());
        }
    }

    @Test
    void aMetricsPortInUseIsNamedWithItsOption(StandaloneRedis target) throws Exception {
        Path gz = dir.resolve("dump.rdb.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(CORPUS.resolve("redis-7.2.6.rdb"), o);
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = migrate.run("run", "--source", "rdb:" + gz, "--target", target.uri(), "--state-dir", dir.resolve("s").toString(),
                    "--metrics-port", Integer.toString(taken.getLocalPort()));
            assertTrue(code != 0, migrate.err());
            assertTrue(migrate.err().contains("127.0.0.1:" + taken.getLocalPort()) && migrate.err().contains("--metrics-port")
                    && migrate.err().contains("in use"), migrate.err());
            assertNoStackTrace(migrate.err());
        }
    }

    @Test
    void aStateDirectoryThatCannotBeCreatedIsExplained(StandaloneRedis target) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        int code = migrate.run("run", "--source", "rdb:" + CORPUS.resolve("redis-7.2.6.rdb"), "--target", target.uri(),
                "--state-dir", file.resolve("state").toString());
        assertEquals(1, code, migrate.err());
        assertTrue(migrate.err().contains("cannot create state directory " + file.resolve("state")), migrate.err());
        assertNoStackTrace(migrate.err());
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
