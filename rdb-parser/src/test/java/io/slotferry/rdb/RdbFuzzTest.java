package io.slotferry.rdb;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing over the real corpus: flipped bytes, "interesting" length prefixes,
 * truncations, duplicated and inserted ranges. Every mutant must either parse or raise
 * {@link RdbFormatException}: never another exception, an OutOfMemoryError or a hang. The seed and
 * iteration of a failure are printed so it can be replayed.
 */
class RdbFuzzTest {
    private static final long SEED = Long.getLong("slotferry.fuzz.seed", 20261122L);
    private static final int ITERATIONS = Integer.getInteger("slotferry.fuzz.iterations", 3000);
    private static final int[] INTERESTING = {0x00, 0x3f, 0x40, 0x7f, 0x80, 0x81, 0xbf, 0xc0, 0xc3, 0xfe, 0xff};

    static List<Path> corpusFiles() throws IOException {
        Path dir = Path.of(System.getProperty("slotferry.shared.dir", "../../shared"), "rdb-corpus");
        List<Path> files;
        try (Stream<Path> s = Stream.concat(Stream.concat(Files.list(dir), Files.list(dir.resolve("redis-assets"))),
                Files.list(dir.resolve("rdbtools-dumps")))) {
            // The small files: mutants of the 1.2 MB nocompress files only cost time.
            files = s.filter(p -> p.toString().endsWith(".rdb")).filter(p -> p.toFile().length() < 300_000).sorted().toList();
        }
        assertTrue(files.size() > 40, "corpus files found in " + dir);
        return files;
    }

    @Test
    void mutatedCorpusFilesNeverEscapeAsAnythingButFormatErrors() throws IOException {
        List<Path> files = corpusFiles();
        byte[][] originals = new byte[files.size()][];
        for (int i = 0; i < files.size(); i++) {
            originals[i] = Files.readAllBytes(files.get(i));
        }
        Random random = new Random(SEED);
        // Checksums off for most mutants so the parser goes past the damage instead of failing at EOF only.
        RdbOptions[] options = {
            RdbOptions.raw().withVerifyChecksum(false).withMaxElementBytes(64L << 20),
            RdbOptions.decoded().withVerifyChecksum(false).withMaxElementBytes(64L << 20).withChunks(64, 4096),
            RdbOptions.raw(),
        };
        int rejected = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            int f = random.nextInt(files.size());
            byte[] mutant = mutate(originals[f], random);
            RdbOptions o = options[i % options.length];
            String where = "seed " + SEED + " iteration " + i + " file " + files.get(f).getFileName() + " mode " + o.mode();
            boolean ok = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> parses(mutant, o, where), where);
            if (!ok) {
                rejected++;
            }
        }
        // Most mutants must be caught; if almost none are, the mutations are not reaching the parser.
        assertTrue(rejected > ITERATIONS / 4, "only " + rejected + " of " + ITERATIONS + " mutants were rejected");
    }

    private static boolean parses(byte[] rdb, RdbOptions options, String where) {
        try (RdbReader r = RdbReader.open(new ByteArrayInputStream(rdb), options)) {
            while (r.next() != null) {
                // drain every event
            }
            return true;
        } catch (RdbFormatException expected) {
            return false;
        } catch (Throwable t) {
            fail(where + ": " + t, t);
            return false;
        }
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] b = original.clone();
        int kind = random.nextInt(6);
        int at = 9 + random.nextInt(Math.max(1, b.length - 9));
        switch (kind) {
            case 0 -> { // flip a few random bytes
                int n = 1 + random.nextInt(8);
                for (int k = 0; k < n; k++) {
                    int p = random.nextInt(b.length);
                    b[p] ^= (byte) (1 + random.nextInt(255));
                }
            }
            case 1 -> b[Math.min(at, b.length - 1)] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
            case 2 -> b = Arrays.copyOf(b, Math.min(at, b.length - 1));
            case 3 -> { // duplicate a range
                int len = Math.min(1 + random.nextInt(64), b.length - at);
                byte[] out = new byte[b.length + len];
                System.arraycopy(b, 0, out, 0, at + len);
                System.arraycopy(b, at, out, at + len, b.length - at);
                b = out;
            }
            case 4 -> { // insert random bytes
                byte[] junk = new byte[1 + random.nextInt(16)];
                random.nextBytes(junk);
                byte[] out = new byte[b.length + junk.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(junk, 0, out, at, junk.length);
                System.arraycopy(b, at, out, at + junk.length, b.length - at);
                b = out;
            }
            default -> { // a huge 32-bit length prefix
                if (at + 5 <= b.length) {
                    b[at] = (byte) 0x80;
                    b[at + 1] = (byte) (0x10 + random.nextInt(0x70));
                }
            }
        }
        return b;
    }
}
