package io.slotferry.replication.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbFormatException;
import io.slotferry.rdb.RdbOptions;
import io.slotferry.rdb.RdbReader;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.replication.ReplicationId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RdbFileSourceTest {
    private static final int CORPUS_KEYS = 95;

    @TempDir
    Path tmp;

    private static Path corpusFile() {
        Path p = Path.of(System.getProperty("slotferry.shared.dir", "../../shared"), "rdb-corpus", "redis-7.4.1.rdb");
        assertTrue(Files.isRegularFile(p), "the shared corpus file is missing: " + p.toAbsolutePath());
        return p;
    }

    @Test
    void aPlainFileIsOneSnapshotWithEveryParserEventInOrder() throws Exception {
        List<ReplicationEvent> events;
        try (RdbFileSource source = RdbFileSource.open(corpusFile().toString())) {
            events = drain(source);
        }
        assertSnapshotShape(events, expectedEvents(corpusFile(), RdbOptions.raw()));
        assertEquals(CORPUS_KEYS, count(events, RdbEvent.RawValue.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {CompressorStreamFactory.GZIP, CompressorStreamFactory.BZIP2, CompressorStreamFactory.XZ})
    void aCompressedFileIsDetectedByContentAndGivesTheSameEvents(String format) throws Exception {
        // No telling extension: detection must come from the bytes, not the name.
        Path compressed = tmp.resolve("snapshot.bin");
        try (OutputStream out = new CompressorStreamFactory().createCompressorOutputStream(format,
                Files.newOutputStream(compressed))) {
            Files.copy(corpusFile(), out);
        }
        assertTrue(Files.size(compressed) != Files.size(corpusFile()), "the test file is really " + format);
        List<ReplicationEvent> events;
        try (RdbFileSource source = RdbFileSource.open(compressed.toString())) {
            events = drain(source);
        }
        assertSnapshotShape(events, expectedEvents(corpusFile(), RdbOptions.raw()));
        assertEquals(CORPUS_KEYS, count(events, RdbEvent.RawValue.class));
    }

    @Test
    void decodedOptionsDeliverDecodedKeys() throws Exception {
        List<ReplicationEvent> events;
        try (RdbFileSource source = RdbFileSource.open(corpusFile().toString(), RdbOptions.decoded())) {
            events = drain(source);
        }
        assertSnapshotShape(events, expectedEvents(corpusFile(), RdbOptions.decoded()));
        assertEquals(CORPUS_KEYS, count(events, RdbEvent.KeyBegin.class));
        assertEquals(CORPUS_KEYS, count(events, RdbEvent.KeyEnd.class));
        assertEquals(0, count(events, RdbEvent.RawValue.class));
    }

    @Test
    void anOpenStreamIsReadLikeAFile() throws Exception {
        List<ReplicationEvent> events;
        try (RdbFileSource source = RdbFileSource.of(Files.newInputStream(corpusFile()), "stream", RdbOptions.raw())) {
            assertEquals("stream", source.name());
            events = drain(source);
            assertEquals(Files.size(corpusFile()), source.offset(), "the whole input was consumed");
        }
        assertSnapshotShape(events, expectedEvents(corpusFile(), RdbOptions.raw()));
    }

    @Test
    void theRdbVersionIsKnownOnceTheSnapshotBegins() throws Exception {
        try (RdbFileSource source = RdbFileSource.open(corpusFile().toString())) {
            assertEquals(0, source.rdbVersion());
            ReplicationEvent.SnapshotBegin begin = assertInstanceOf(ReplicationEvent.SnapshotBegin.class, source.next());
            assertEquals(12, begin.rdbVersion(), "Redis 7.4 writes RDB 12");
            assertEquals(12, source.rdbVersion());
        }
    }

    @Test
    void aMissingFileIsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> RdbFileSource.open(tmp.resolve("absent.rdb").toString()));
    }

    @Test
    void aTruncatedFileFailsWithItsOffsetAndKeepsFailing() throws Exception {
        byte[] whole = Files.readAllBytes(corpusFile());
        byte[] cut = Arrays.copyOf(whole, 60_000);
        try (RdbFileSource source = RdbFileSource.of(new ByteArrayInputStream(cut), "cut", RdbOptions.raw())) {
            RdbFormatException e = assertThrows(RdbFormatException.class, () -> drain(source));
            assertTrue(e.offset() <= 60_000, e.getMessage());
            assertTrue(e.getMessage().contains("input ended"), e.getMessage());
            assertEquals(e, assertThrows(RdbFormatException.class, source::next),
                    "a failed source repeats its failure rather than reporting a normal end");
        }
    }

    @Test
    void garbageIsAFormatErrorAtTheFirstCall() throws Exception {
        byte[] garbage = "this is not an RDB file".getBytes(StandardCharsets.US_ASCII);
        try (RdbFileSource source = RdbFileSource.of(new ByteArrayInputStream(garbage), "garbage", RdbOptions.raw())) {
            RdbFormatException e = assertThrows(RdbFormatException.class, source::next);
            assertEquals(0, e.offset(), e.getMessage());
        }
    }

    @Test
    void nextAfterCloseIsAnError() throws Exception {
        RdbFileSource source = RdbFileSource.open(corpusFile().toString());
        source.next();
        source.close();
        assertThrows(IllegalStateException.class, source::next);
    }

    /** Begin, Header, ..., End, SnapshotEnd, then null twice; the data events equal {@code expected}. */
    private static void assertSnapshotShape(List<ReplicationEvent> events, List<RdbEvent> expected) {
        assertTrue(events.size() >= 4, "events: " + events.size());
        ReplicationEvent.SnapshotBegin begin = assertInstanceOf(ReplicationEvent.SnapshotBegin.class, events.get(0));
        assertEquals(ReplicationId.NONE, begin.replid());
        assertEquals(-1, begin.offset());
        RdbEvent.Header header = assertInstanceOf(RdbEvent.Header.class,
                assertInstanceOf(ReplicationEvent.SnapshotData.class, events.get(1)).event());
        assertEquals(header.version(), begin.rdbVersion());
        assertInstanceOf(RdbEvent.End.class,
                assertInstanceOf(ReplicationEvent.SnapshotData.class, events.get(events.size() - 2)).event());
        ReplicationEvent.SnapshotEnd end = assertInstanceOf(ReplicationEvent.SnapshotEnd.class, events.get(events.size() - 1));
        assertEquals(new ReplicationEvent.SnapshotEnd(ReplicationId.NONE, -1), end);

        List<String> actual = new ArrayList<>();
        for (ReplicationEvent e : events.subList(1, events.size() - 1)) {
            actual.add(canonical(assertInstanceOf(ReplicationEvent.SnapshotData.class, e).event()));
        }
        List<String> wanted = new ArrayList<>();
        expected.forEach(e -> wanted.add(canonical(e)));
        assertEquals(wanted, actual);
    }

    /** Reads until null, and checks null repeats. */
    private static List<ReplicationEvent> drain(RdbFileSource source) throws IOException {
        List<ReplicationEvent> events = new ArrayList<>();
        ReplicationEvent e;
        while ((e = source.next()) != null) {
            events.add(e);
        }
        assertNull(source.next(), "an ended source stays ended");
        return events;
    }

    private static List<RdbEvent> expectedEvents(Path file, RdbOptions options) throws IOException {
        List<RdbEvent> events = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file); RdbReader reader = RdbReader.open(in, options)) {
            RdbEvent e;
            while ((e = reader.next()) != null) {
                events.add(e);
            }
        }
        return events;
    }

    private static long count(List<ReplicationEvent> events, Class<? extends RdbEvent> type) {
        return events.stream()
                .filter(e -> e instanceof ReplicationEvent.SnapshotData d && type.isInstance(d.event()))
                .count();
    }

    /** Records compared by content: byte arrays as hex, lists and nested records element by element. */
    private static String canonical(Object o) {
        if (o == null) {
            return "null";
        } else if (o instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        } else if (o instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            list.forEach(x -> parts.add(canonical(x)));
            return parts.toString();
        } else if (o instanceof Record r) {
            StringBuilder s = new StringBuilder(r.getClass().getSimpleName()).append('(');
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                try {
                    s.append(c.getName()).append('=').append(canonical(c.getAccessor().invoke(r))).append(' ');
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
            return s.append(')').toString();
        }
        return o.toString();
    }
}
