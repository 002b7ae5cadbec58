package io.slotferry.load;

import static io.slotferry.fixture.Bulk.ascii;
import static io.slotferry.load.RecordingSink.commands;
import static io.slotferry.load.RecordingSink.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.rdb.Crc64;
import io.slotferry.routing.HashSlot;
import io.slotferry.write.Write;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command shapes the loader produces for small synthetic RDB files. */
class SnapshotLoaderTest {
    static final long NOW = 1_800_000_000_000L;
    static final LoadOptions OPTIONS = LoadOptions.defaults().withClock(Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    static final TargetCapabilities REDIS_70 = TargetCapabilities.redis("7.0.15");

    @TempDir
    Path dir;

    static RecordingSink load(Path rdb, TargetCapabilities target, LoadOptions options, LoadStats stats) throws Exception {
        RecordingSink sink = new RecordingSink(stats);
        SnapshotLoader.load(rdb, sink, target, options, stats);
        assertEquals(1, sink.drains, "the loader drains the sink once at the end");
        return sink;
    }

    static RecordingSink load(Path rdb, TargetCapabilities target, LoadOptions options) throws Exception {
        return load(rdb, target, options, new LoadStats());
    }

    @Test
    void restoresASmallValueAsOneRestoreWithItsAbsoluteExpiry() throws Exception {
        Path rdb = new TestRdb(9).expireAt(NOW + 60_000).string("k", ascii("hello")).write(dir);
        RecordingSink sink = load(rdb, REDIS_70, OPTIONS);

        assertEquals(1, sink.writes.size());
        Write w = sink.writes.get(0);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(new byte[] {0, 5});
        expected.writeBytes(ascii("hello"));
        expected.writeBytes(new byte[] {9, 0});
        long crc = Crc64.of(expected.toByteArray());
        for (int i = 0; i < 8; i++) {
            expected.write((int) (crc >>> (8 * i)));
        }
        List<byte[]> restore = w.commands().get(0);
        assertEquals(1, w.commands().size());
        assertEquals("RESTORE k " + (NOW + 60_000), text(restore.subList(0, 3)));
        assertArrayEquals(expected.toByteArray(), restore.get(3), "type byte + value + version 9 LE + CRC-64 LE");
        assertEquals("REPLACE ABSTTL", text(restore.subList(4, 6)));
        assertEquals(HashSlot.of(ascii("k")), w.slot());
        assertEquals(1, w.completesKeys());
        assertNull(w.probe(), "RESTORE REPLACE may be re-sent");
    }

    @Test
    void rewritesAListAsDelWithTheFirstChunkAndTheTtlWithTheLastChunk() throws Exception {
        List<String> elements = IntStream.range(0, 2500).mapToObj(i -> "e" + i).collect(Collectors.toList());
        Path rdb = new TestRdb(9).expireAt(NOW + 5000).list("l", elements).write(dir);
        RecordingSink sink = load(rdb, REDIS_70, OPTIONS.withMode(LoadMode.REWRITE));

        assertEquals(3, sink.writes.size());
        Write first = sink.writes.get(0);
        Write middle = sink.writes.get(1);
        Write last = sink.writes.get(2);
        assertEquals("DEL l", text(first.commands().get(0)));
        assertEquals(2, first.commands().size());
        assertEquals(1026, first.commands().get(1).size(), "RPUSH l + 1024 elements");
        assertTrue(first.transaction());
        assertNull(first.probe(), "DEL makes the first write safe to re-send");

        assertEquals("RPUSH", text(middle.commands().get(0).get(0)));
        assertEquals("LLEN l", text(middle.probe().command()));
        assertEquals(2048, middle.lengthProbe().appliedWhen());
        assertEquals(1024, middle.lengthProbe().notAppliedWhen());

        assertEquals("PEXPIREAT l " + (NOW + 5000), text(last.commands().get(1)), "the TTL comes with the last chunk");
        assertEquals(2500, last.lengthProbe().appliedWhen());
        assertEquals(2048, last.lengthProbe().notAppliedWhen());
        assertEquals(List.of(0, 0, 1), sink.writes.stream().map(Write::completesKeys).toList());

        List<String> written = new ArrayList<>();
        for (Write w : sink.writes) {
            for (List<byte[]> c : w.commands()) {
                if (text(c.get(0)).equals("RPUSH")) {
                    c.subList(2, c.size()).forEach(e -> written.add(text(e)));
                }
            }
        }
        assertEquals(elements, written, "every element once, in list order");
    }

    @Test
    void aSingleChunkKeyIsOneTransactionOfDelChunkAndPexpireat() throws Exception {
        Path rdb = new TestRdb(9).expireAt(NOW + 1).set("s", List.of("a", "b", "c"))
                .hash("h", List.of("f", "v")).write(dir);
        RecordingSink sink = load(rdb, REDIS_70, OPTIONS.withMode(LoadMode.REWRITE));

        assertEquals(List.of("DEL s", "SADD s a b c", "PEXPIREAT s " + (NOW + 1)), commands(sink.of("s").get(0)));
        assertEquals(List.of("DEL h", "HSET h f v"), commands(sink.of("h").get(0)), "no TTL, no PEXPIREAT");
        assertEquals(2, sink.writes.size());
    }

    @Test
    void aBigStringIsSetThenAppendedWithStrlenProbes() throws Exception {
        byte[] value = new byte[2500];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + i % 26);
        }
        Path rdb = new TestRdb(9).string("big", value).write(dir);
        LoadStats stats = new LoadStats();
        RecordingSink sink = load(rdb, REDIS_70, OPTIONS.withBigValueBytes(100).withChunks(1024, 1000), stats);

        assertEquals(3, sink.writes.size(), "a value above the big-value size is rewritten even in RESTORE mode");
        assertEquals(List.of("DEL big", "SET big <1000 bytes>"), commands(sink.writes.get(0)));
        Write second = sink.writes.get(1);
        assertEquals("APPEND", text(second.commands().get(0).get(0)));
        assertEquals("STRLEN big", text(second.probe().command()));
        assertEquals(2000, second.lengthProbe().appliedWhen());
        assertEquals(1000, second.lengthProbe().notAppliedWhen());
        assertEquals(2500, sink.writes.get(2).lengthProbe().appliedWhen());
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        sink.writes.forEach(w -> written.writeBytes(w.commands().get(w.commands().size() - 1).get(2)));
        assertArrayEquals(value, written.toByteArray());
        assertEquals(0, stats.snapshot().restored());
        assertEquals(1, stats.snapshot().rewritten());
    }

    @Test
    void expiredKeysAndOtherDatabasesAreSkippedAndCounted() throws Exception {
        Path rdb = new TestRdb(9).expireAt(NOW - 1).string("gone", ascii("x")).expireAt(NOW).string("now", ascii("x"))
                .string("kept", ascii("x")).selectDb(1).string("other", ascii("y")).write(dir);
        LoadStats stats = new LoadStats();
        RecordingSink sink = load(rdb, REDIS_70, OPTIONS, stats);

        assertEquals(List.of("kept"), sink.writes.stream().map(w -> text(w.key())).toList());
        LoadStats.Snapshot s = stats.snapshot();
        assertEquals(4, s.keysRead());
        assertEquals(2, s.skippedExpired(), "an expiry equal to now has passed");
        assertEquals(1, s.skippedOtherDb());
        assertEquals(1, s.keysWritten());
        assertEquals(s.totalBytes(), s.bytesRead());

        KeyMapping prefixOtherDbs = (db, key) -> db == 0 ? key : ("db" + db + ":" + text(key)).getBytes(StandardCharsets.ISO_8859_1);
        RecordingSink mapped = load(rdb, REDIS_70, OPTIONS.withKeyMapping(prefixOtherDbs));
        assertEquals(List.of("kept", "db1:other"), mapped.writes.stream().map(w -> text(w.key())).toList());
        assertEquals(HashSlot.of(ascii("db1:other")), mapped.writes.get(1).slot(), "the slot is the target key's");
    }

    @Test
    void sortedSetScoresAreWrittenSoTheyParseBackToTheSameDouble() throws Exception {
        double[] scores = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1, 1e23, -0.0, Double.MIN_VALUE,
            1.0000000000000002, Double.MAX_VALUE, 9007199254740993.0, -3.25};
        List<String> members = IntStream.range(0, scores.length).mapToObj(i -> "m" + i).toList();
        Path rdb = new TestRdb(9).zset("z", members, scores).write(dir);
        RecordingSink sink = load(rdb, REDIS_70, OPTIONS.withMode(LoadMode.REWRITE));

        List<byte[]> zadd = sink.writes.get(0).commands().get(1);
        assertEquals("ZADD z", text(zadd.subList(0, 2)));
        for (int i = 0; i < scores.length; i++) {
            String score = text(zadd.get(2 + 2 * i));
            double parsed = score.equals("inf") ? Double.POSITIVE_INFINITY
                    : score.equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(score);
            assertEquals(Double.doubleToRawLongBits(scores[i]), Double.doubleToRawLongBits(parsed), score);
            assertEquals("m" + i, text(zadd.get(3 + 2 * i)));
        }
    }

    @Test
    void writesCarryTheKeysRdbOffsetsInIncreasingOrder() throws Exception {
        TestRdb file = new TestRdb(9);
        for (int i = 0; i < 20; i++) {
            file.list("l" + i, IntStream.range(0, 10 * i + 1).mapToObj(Integer::toString).toList());
        }
        RecordingSink sink = load(file.write(dir), REDIS_70, OPTIONS.withMode(LoadMode.REWRITE).withChunks(7, 1 << 20));

        long previous = -1;
        for (Write w : sink.writes) {
            assertTrue(w.sourceOffset() >= previous, "offsets never decrease");
            previous = w.sourceOffset();
        }
        assertTrue(sink.writes.get(0).sourceOffset() >= 9, "an offset inside the file, after the header");
        assertEquals(20, sink.writes.stream().map(Write::sourceOffset).distinct().count(), "one offset per key");
    }

    @Test
    void restoresHeldToBeStampedTogetherAreSubmittedInTheFilesOrderAroundRewrittenKeys() throws Exception {
        TestRdb file = new TestRdb(9);
        List<String> order = new ArrayList<>();
        java.util.Random random = new java.util.Random(15);
        for (int i = 0; i < 300; i++) {
            if (i % 97 == 13) {
                file.list("big" + i, IntStream.range(0, 5000).mapToObj(e -> "element-" + e).toList()); // over the big-value size
                order.add("big" + i);
            } else {
                byte[] value = new byte[random.nextInt(20_000)]; // some fill a batch by bytes before 64 keys
                random.nextBytes(value);
                file.string("s" + i, value);
                order.add("s" + i);
            }
        }
        LoadStats stats = new LoadStats();
        RecordingSink sink = load(file.write(dir), REDIS_70, OPTIONS.withBigValueBytes(32 << 10).withChunks(1000, 1 << 20), stats);

        List<String> keys = sink.writes.stream().map(w -> text(w.key())).distinct().toList();
        assertEquals(order, keys, "every key once, in the file's order");
        assertEquals(297, stats.snapshot().restored());
        assertEquals(3, stats.snapshot().rewritten());
        for (Write w : sink.writes) {
            if (text(w.key()).startsWith("s")) {
                byte[] payload = w.commands().get(0).get(3);
                assertEquals(io.slotferry.rdb.DumpPayload.parse(payload).value().length + 1 + 10, payload.length,
                        "a payload whose CRC-64 checks");
            }
        }
    }

    @Test
    void theKeysReadBeforeAnErrorInTheFileAreSubmitted() throws Exception {
        TestRdb file = new TestRdb(9);
        for (int i = 0; i < 40; i++) {
            file.string("k" + i, ascii("value " + i));
        }
        Path whole = file.write(dir);
        byte[] bytes = java.nio.file.Files.readAllBytes(whole);
        Path truncated = java.nio.file.Files.write(dir.resolve("truncated.rdb"), Arrays.copyOf(bytes, bytes.length - 12));
        RecordingSink sink = new RecordingSink(new LoadStats());
        org.junit.jupiter.api.Assertions.assertThrows(io.slotferry.rdb.RdbFormatException.class,
                () -> SnapshotLoader.load(truncated, sink, REDIS_70, OPTIONS, new LoadStats()));
        assertEquals(IntStream.range(0, 39).mapToObj(i -> "k" + i).toList(),
                sink.writes.stream().map(w -> text(w.key())).toList(), "every key before the truncated last one");
    }

    @Test
    void anEmptyStringAndBinaryKeysAreKeptExactly() throws Exception {
        byte[] binaryValue = {0, (byte) 0xff, '\r', '\n', (byte) 0x80};
        Path rdb = new TestRdb(9).string("empty", new byte[0]).string("bin", binaryValue).write(dir);
        RecordingSink sink = load(rdb, REDIS_70, OPTIONS.withMode(LoadMode.REWRITE));

        assertEquals(List.of("DEL empty", "SET empty "), commands(sink.of("empty").get(0)));
        assertTrue(Arrays.equals(binaryValue, sink.of("bin").get(0).commands().get(1).get(2)));
    }
}
