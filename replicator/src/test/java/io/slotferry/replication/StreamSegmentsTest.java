package io.slotferry.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One generation's stream on disk ({@link StreamSegments}), without the spool's threads. */
class StreamSegmentsTest {
    private static final long SEGMENT = 1000;

    @TempDir
    Path dir;

    @Test
    void bytesAppendedAsTheyArriveReadBackWholeAcrossSegmentsUpToTheCommittedOffset() throws IOException {
        byte[] stream = seeded(4321, 7);
        StreamSegments segments = new StreamSegments(dir, 3, SEGMENT);
        segments.openAt(500);
        appendInRandomPieces(segments, stream, 8);
        long committed = 500 + stream.length - 100; // the last 100 bytes: a command not yet complete

        assertArrayEquals(Arrays.copyOf(stream, stream.length - 100), readAll(segments, 500, committed));
        assertEquals(committed - 500, segments.completeBytes(committed), "the incomplete tail is not counted");
        assertEquals(stream.length, segments.completeBytes(-1), "before the stream opened, every byte counts");
    }

    @Test
    void releaseDeletesOnlySegmentsThatEndAtOrBelowTheOffsetAndNeverTheOneBeingWritten() throws IOException {
        byte[] stream = seeded(3500, 11);
        StreamSegments segments = new StreamSegments(dir, 1, SEGMENT);
        segments.openAt(0);
        appendInPieces(segments, stream, 100); // segments roll over at 1000, 2000, 3000
        long end = stream.length;

        segments.release(1999);
        assertEquals(3, segmentFiles().size(), "[0,1000) went; [1000,2000) still holds offset 1999");
        assertEquals(end - 1000, segments.completeBytes(end));
        assertArrayEquals(Arrays.copyOfRange(stream, 1000, stream.length), readAll(segments, 1000, end));

        segments.release(end);
        assertEquals(1, segmentFiles().size(), "the segment being written stays");
        assertEquals(end - 3000, segments.completeBytes(end));
    }

    @Test
    void reopeningAtAnOffsetDropsThePartialCommandAfterItAndAppendsThere() throws IOException {
        byte[] first = seeded(2600, 13);
        StreamSegments segments = new StreamSegments(dir, 0, SEGMENT);
        segments.openAt(0);
        appendInPieces(segments, first, 100); // [0,1000) [1000,2000) [2000,2600)

        long cut = 1700; // the link broke after the command ending here; [1700,2600) was a partial command
        segments.openAt(cut);
        byte[] after = seeded(800, 15);
        appendInPieces(segments, after, 100);
        long end = cut + after.length;

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(first, 0, (int) cut);
        expected.write(after);
        assertArrayEquals(expected.toByteArray(), readAll(segments, 0, end));
        assertEquals(end, segments.completeBytes(end), "the dropped bytes left the count with their files");
    }

    @Test
    void aReaderOfADeletedGenerationFindsNothingInsteadOfFailing() throws IOException {
        StreamSegments segments = new StreamSegments(dir, 2, SEGMENT);
        segments.openAt(0);
        appendInPieces(segments, seeded(1500, 17), 100);

        segments.delete(); // a full sync ended the generation

        assertEquals(0, segments.read(0, 1500, ByteBuffer.allocate(64)));
        assertEquals(List.of(), segmentFiles());
        assertEquals(0, segments.completeBytes(1500));
    }

    private static byte[] seeded(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Appends {@code stream} in pieces of random sizes (1 to 300 bytes), as socket reads return them. */
    private static void appendInRandomPieces(StreamSegments segments, byte[] stream, long seed) throws IOException {
        Random random = new Random(seed);
        for (int at = 0; at < stream.length; ) {
            int n = Math.min(stream.length - at, 1 + random.nextInt(300));
            segments.append(stream, at, n);
            at += n;
        }
    }

    /** Appends {@code stream} in pieces of {@code piece} bytes: a segment rolls over exactly at {@link #SEGMENT}. */
    private static void appendInPieces(StreamSegments segments, byte[] stream, int piece) throws IOException {
        for (int at = 0; at < stream.length; at += piece) {
            segments.append(stream, at, Math.min(piece, stream.length - at));
        }
    }

    /** Reads {@code [from, committed)} the way the consumer does: one segment per read, a small buffer. */
    private static byte[] readAll(StreamSegments segments, long from, long committed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(256);
        for (long position = from; ; ) {
            buffer.clear();
            int n = segments.read(position, committed, buffer);
            if (n == 0) {
                return out.toByteArray();
            }
            out.write(buffer.array(), 0, n);
            position += n;
        }
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }
}
