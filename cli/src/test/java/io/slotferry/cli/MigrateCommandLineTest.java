package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The `migrate` command line as an operator runs it: output, compressed input, stdin, exit codes. */
class MigrateCommandLineTest {
    private static final Path CORPUS = Path.of(System.getProperty("slotferry.shared.dir", "../../shared"), "rdb-corpus");

    private record Run(int exit, String out, String err) {
    }

    private static Run run(InputStream stdin, String... args) {
        PrintStream oldOut = System.out;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setIn(stdin);
            CommandLine cl = Migrate.commandLine();
            cl.setErr(new PrintWriter(err, true));
            int exit = cl.execute(args);
            System.out.flush();
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setIn(oldIn);
        }
    }

    private static Run run(String... args) {
        return run(new ByteArrayInputStream(new byte[0]), args);
    }

    @Test
    void dumpReadsGzipBzip2AndXzByContentAndStandardInput(@TempDir Path dir) throws Exception {
        Path plain = CORPUS.resolve("redis-7.4.1.rdb");
        String expected = run("rdb", "dump", plain.toString()).out();
        assertEquals(95, expected.lines().count());
        for (String format : new String[] {CompressorStreamFactory.GZIP, CompressorStreamFactory.BZIP2, CompressorStreamFactory.XZ}) {
            Path compressed = dir.resolve("dump.rdb.bin-" + format); // no telling extension: detection is by content
            try (OutputStream o = new CompressorStreamFactory().createCompressorOutputStream(format, Files.newOutputStream(compressed))) {
                Files.copy(plain, o);
            }
            Run r = run("rdb", "dump", compressed.toString());
            assertEquals(0, r.exit(), r.err());
            assertEquals(expected, r.out(), format);
        }
        Run stdin = run(new ByteArrayInputStream(Files.readAllBytes(plain)), "rdb", "dump", "-");
        assertEquals(expected, stdin.out());
    }

    @Test
    void inspectSummarisesVersionAuxKeysTypesBiggestKeysAndChecksum() {
        Run r = run("rdb", "inspect", CORPUS.resolve("redis-7.4.1.rdb").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("REDIS version 12"));
        assertTrue(r.out().contains("redis-ver = 7.4.1"));
        assertTrue(r.out().contains("db 0           86 keys"), r.out());
        assertTrue(r.out().contains("hash / listpackex (type 25 HASH_LISTPACK_EX)"));
        assertTrue(r.out().contains("str:random64k"), "biggest key listed");
        assertTrue(r.out().contains("checksum:  valid"));
        assertTrue(run("rdb", "inspect", CORPUS.resolve("redis-2.4.18.rdb").toString()).out().contains("none (RDB version < 5"));
        assertTrue(run("rdb", "inspect", CORPUS.resolve("redis-7.4.1-nocompress.rdb").toString()).out().contains("not written"));
    }

    @Test
    void malformedInputExitsThreeWithTheOffset() {
        Run r = run("rdb", "dump", CORPUS.resolve("redis-assets/corrupt_ziplist.rdb").toString());
        assertEquals(Migrate.EXIT_FORMAT, r.exit());
        assertTrue(r.err().contains("byte offset 488"), r.err());
        assertEquals(Migrate.EXIT_FORMAT, run("rdb", "inspect", CORPUS.resolve("README.md").toString()).exit());
    }

    @Test
    void missingFilesExitFourAndUsageErrorsExitTwo() {
        Run missing = run("rdb", "inspect", "/nonexistent/dump.rdb");
        assertEquals(Migrate.EXIT_IO, missing.exit());
        assertTrue(missing.err().contains("/nonexistent/dump.rdb"));
        assertEquals(2, run("rdb", "dump").exit(), "FILE is required");
        assertEquals(2, run("rdb", "frobnicate").exit());
        assertEquals(2, run("rdb", "dump", "--format", "xml", CORPUS.resolve("redis-7.4.1.rdb").toString()).exit(),
                "an unknown --format is a wrong command line");
    }

    @Test
    void helpTeachesWithExamples() {
        Run help = run("rdb", "dump", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("Examples:"));
        assertTrue(run("--help").out().contains("Exit codes:"));
    }
}
