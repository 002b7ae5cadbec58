package io.slotferry.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class RdbReaderTest {

    static List<RdbEvent> readAll(byte[] rdb, RdbOptions options) throws IOException {
        return readAll(new ByteArrayInputStream(rdb), options);
    }

    static List<RdbEvent> readAll(InputStream in, RdbOptions options) throws IOException {
        List<RdbEvent> events = new ArrayList<>();
        try (RdbReader r = RdbReader.open(in, options)) {
            RdbEvent e;
            while ((e = r.next()) != null) {
                events.add(e);
            }
        }
        return events;
    }

    private static byte[] sample() {
        return new RdbBuilder(9).selectDb(0).expireMs(4102444800000L).stringKey("k", "v").listKey("l", 3).end();
    }

    @Test
    void readsKeysWithDbExpiryAndValidChecksum() throws IOException {
        List<RdbEvent> events = readAll(sample(), RdbOptions.decoded());
        RdbEvent.KeyBegin k = (RdbEvent.KeyBegin) events.get(2);
        assertEquals("k", new String(k.key().key(), StandardCharsets.US_ASCII));
        assertEquals(4102444800000L, k.key().expireAtMs());
        assertArrayEquals("v".getBytes(StandardCharsets.US_ASCII), ((RdbEvent.StringValue) events.get(3)).bytes());
        RdbEvent.KeyBegin l = (RdbEvent.KeyBegin) events.get(5);
        assertEquals(-1, l.key().expireAtMs(), "an expiry applies to one key only");
        assertEquals(3, ((RdbEvent.ListElements) events.get(6)).elements().size());
        assertEquals(ChecksumStatus.VALID, ((RdbEvent.End) events.get(events.size() - 1)).checksum());
    }

    @Test
    void rawModeGivesTheExactValueBytesAndTheirPosition() throws IOException {
        byte[] rdb = sample();
        List<RdbEvent> events = readAll(rdb, RdbOptions.raw());
        RdbEvent.RawValue list = (RdbEvent.RawValue) events.get(3);
        byte[] expected = Arrays.copyOfRange(rdb, (int) list.valueOffset(), (int) (list.valueOffset() + list.valueLength()));
        assertArrayEquals(expected, list.value());
        assertEquals(3, list.value()[0], "the value starts with its element count");
    }

    @Test
    void rawValuesAboveTheLimitAreLocatedButNotKept() throws IOException {
        byte[] rdb = new RdbBuilder(9).listKey("big", 10_000).end();
        RdbEvent.RawValue v = (RdbEvent.RawValue) readAll(rdb, RdbOptions.raw().withMaxRawValueBytes(1000)).get(1);
        assertNull(v.value());
        assertTrue(v.valueLength() > 100_000);
    }

    @Test
    void bigCollectionsArriveInBoundedChunks() throws IOException {
        byte[] rdb = new RdbBuilder(9).listKey("big", 100_000).end();
        long total = 0;
        for (RdbEvent e : readAll(rdb, RdbOptions.decoded().withChunks(500, 1 << 20))) {
            if (e instanceof RdbEvent.ListElements l) {
                assertTrue(l.elements().size() <= 500);
                total += l.elements().size();
            }
        }
        assertEquals(100_000, total);
    }

    @Test
    void longStringsArriveInPieces() throws IOException {
        byte[] big = new byte[3_000_000];
        Arrays.fill(big, (byte) 'x');
        byte[] rdb = new RdbBuilder(9).u8(0).string("s").string(big).end();
        int pieces = 0;
        long bytes = 0;
        for (RdbEvent e : readAll(rdb, RdbOptions.decoded())) {
            if (e instanceof RdbEvent.StringValue s) {
                pieces++;
                bytes += s.bytes().length;
                assertTrue(s.bytes().length <= 1 << 20);
            }
        }
        assertEquals(3, pieces);
        assertEquals(big.length, bytes);
    }

    @Test
    void truncationAtEveryByteIsAFormatErrorWithItsOffset() {
        byte[] rdb = sample();
        for (int cut = 0; cut < rdb.length; cut++) {
            byte[] part = Arrays.copyOf(rdb, cut);
            for (RdbOptions o : new RdbOptions[] {RdbOptions.raw(), RdbOptions.decoded()}) {
                RdbFormatException e = assertThrows(RdbFormatException.class, () -> readAll(part, o), "cut at " + cut);
                assertTrue(e.offset() <= cut, e.getMessage());
            }
        }
    }

    @Test
    void absurdDeclaredLengthsFailFastWithoutAllocating() {
        byte[] rdb = new RdbBuilder(9).u8(0).string("k").length(1L << 40).raw(new byte[10]).end();
        RdbFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(RdbFormatException.class, () -> readAll(rdb, RdbOptions.decoded())));
        assertTrue(e.getMessage().contains("maxElementBytes"), e.getMessage());
        // Under the element limit but beyond the data: the read fails when the input ends.
        byte[] truncated = new RdbBuilder(9).u8(0).string("k").length(900_000_000L).raw(new byte[10]).end();
        assertThrows(RdbFormatException.class, () -> readAll(truncated, RdbOptions.decoded()));
        byte[] manyElements = new RdbBuilder(9).u8(2).string("k").length(1L << 50).raw(new byte[10]).end();
        assertThrows(RdbFormatException.class, () -> readAll(manyElements, RdbOptions.raw()));
    }

    /** A set listpack (RDB type 20) of {@code members} str6 entries of {@code size} bytes each. */
    private static byte[] setListpack(int members, int size, char fill) {
        int total = 6 + members * (1 + size + 1) + 1;
        byte[] lp = new byte[total];
        lp[0] = (byte) total;
        lp[1] = (byte) (total >>> 8);
        lp[4] = (byte) members;
        int p = 6;
        for (int i = 0; i < members; i++) {
            lp[p++] = (byte) (0x80 | size);
            Arrays.fill(lp, p, p + size, (byte) (fill + i));
            p += size;
            lp[p++] = (byte) (1 + size);
        }
        lp[p] = (byte) 0xff;
        return lp;
    }

    @Test
    void aCorruptBlobAfterALongerValidOneIsCaughtThoughItsBufferIsReused() throws IOException {
        byte[] valid = setListpack(8, 40, 'a');
        // the first 3 entries and a bit of the 4th, closed with an end byte: the 4th entry claims bytes
        // the blob does not have (but the longer blob before it left in the reused buffer)
        byte[] cut = Arrays.copyOf(valid, 6 + 3 * 42 + 10);
        cut[0] = (byte) cut.length;
        cut[1] = (byte) (cut.length >>> 8);
        cut[cut.length - 1] = (byte) 0xff;
        byte[] rdb = new RdbBuilder(11).u8(20).string("good").string(valid).u8(20).string("bad").string(cut).end();
        RdbOptions checked = RdbOptions.raw().withValidateBlobs(true);
        RdbFormatException e = assertThrows(RdbFormatException.class, () -> readAll(rdb, checked));
        assertTrue(e.getMessage().contains("listpack"), e.getMessage());
        byte[] twoGood = new RdbBuilder(11).u8(20).string("good").string(valid).u8(20).string("small")
                .string(setListpack(2, 5, 'x')).end();
        List<RdbEvent> events = readAll(twoGood, checked);
        assertArrayEquals(valid, Arrays.copyOfRange(((RdbEvent.RawValue) events.get(1)).value(), 2, 2 + valid.length),
                "the raw value is the blob's bytes after its length prefix");
        byte[] small = ((RdbEvent.RawValue) events.get(2)).value();
        assertArrayEquals(setListpack(2, 5, 'x'), Arrays.copyOfRange(small, 1, small.length),
                "the second value is exactly its own bytes (a 1-byte length prefix, then the blob)");
    }

    @Test
    void valuesReadWithDumpFramesStampIntoTheDumpPayloadOfTheirBytes() throws IOException, DumpFormatException {
        byte[] big = new byte[150_000]; // captured across refills of the trickled input
        new java.util.Random(3).nextBytes(big);
        byte[] rdb = new RdbBuilder(9).listKey("l", 3).u8(0).string("big").string(big).stringKey("k", "v").end();
        List<RdbEvent> bare = readAll(trickle(rdb, 4), RdbOptions.raw());
        List<RdbEvent> framed = readAll(trickle(rdb, 5), RdbOptions.raw().withDumpFrames(true));
        int values = 0;
        for (int i = 0; i < bare.size(); i++) {
            if (bare.get(i) instanceof RdbEvent.RawValue b) {
                RdbEvent.RawValue f = (RdbEvent.RawValue) framed.get(i);
                assertEquals(b.valueLength(), f.valueLength());
                DumpPayload p = DumpPayload.parse(DumpPayload.stamp(f.value(), 9));
                assertEquals(b.key().type(), p.type());
                assertArrayEquals(b.value(), p.value(), "the framed bytes are the value's");
                assertArrayEquals(DumpPayload.build(b.key().type().code(), b.value(), 9), f.value(), "the same payload as a copy");
                values++;
            }
        }
        assertEquals(3, values);
        assertNull(((RdbEvent.RawValue) readAll(rdb, RdbOptions.raw().withDumpFrames(true).withMaxRawValueBytes(1000))
                .get(2)).value(), "a value over the limit is located, not kept, framed or not");
    }

    @Test
    void badChecksumIsReportedAtTheEofOpcode() {
        byte[] rdb = new RdbBuilder(9).stringKey("k", "v").endWithChecksum(12345);
        RdbFormatException e = assertThrows(RdbFormatException.class, () -> readAll(rdb, RdbOptions.raw()));
        assertEquals(rdb.length - 8, e.offset());
        assertTrue(e.getMessage().contains("CRC-64"));
    }

    /** Returns at most a random 1..100000 bytes per read, so refills land at arbitrary offsets. */
    private static InputStream trickle(byte[] data, long seed) {
        java.util.Random random = new java.util.Random(seed);
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + random.nextInt(100_000)));
            }
        };
    }

    @RepeatedTest(10) // the checksum runs on its own thread: repeat to catch ordering races
    void checksumIsVerifiedAcrossManyRefillsOfTrickledInput(RepetitionInfo repetition) throws IOException {
        RdbBuilder b = new RdbBuilder(9);
        byte[] chunk = new byte[70_000];
        new java.util.Random(1).nextBytes(chunk);
        for (int i = 0; i < 80; i++) {
            b.u8(0).string("big:" + i).string(chunk);
        }
        byte[] rdb = b.end();
        byte[] withTrailer = Arrays.copyOf(rdb, rdb.length + 3);
        for (RdbOptions o : new RdbOptions[] {RdbOptions.raw(), RdbOptions.decoded()}) {
            List<RdbEvent> events = readAll(trickle(withTrailer, repetition.getCurrentRepetition()), o);
            RdbEvent.End end = (RdbEvent.End) events.get(events.size() - 1);
            assertEquals(ChecksumStatus.VALID, end.checksum());
            assertEquals(3, end.trailingBytes());
        }
        byte[] damaged = rdb.clone();
        damaged[rdb.length / 2] ^= 1; // inside a string value: only the checksum can notice
        RdbFormatException e = assertThrows(RdbFormatException.class, () -> readAll(trickle(damaged, 6), RdbOptions.raw()));
        assertTrue(e.getMessage().contains("CRC-64"), e.getMessage());
    }

    @Test
    void zeroChecksumMeansDisabledAndTrailingBytesAreTolerated() throws IOException {
        byte[] rdb = new RdbBuilder(9).stringKey("k", "v").endWithChecksum(0);
        byte[] withTrailer = Arrays.copyOf(rdb, rdb.length + 40);
        RdbEvent.End end = (RdbEvent.End) readAll(withTrailer, RdbOptions.raw()).get(2);
        assertEquals(ChecksumStatus.DISABLED, end.checksum());
        assertEquals(40, end.trailingBytes());
    }

    @Test
    void unknownTypesAndNewerVersionsAreNamed() {
        byte[] unknown = new RdbBuilder(9).u8(0x42).string("k").end();
        RdbFormatException e = assertThrows(RdbFormatException.class, () -> readAll(unknown, RdbOptions.raw()));
        assertEquals(9, e.offset());
        assertTrue(e.getMessage().contains("0x42"));
        byte[] newer = "REDIS0013".getBytes(StandardCharsets.US_ASCII);
        assertTrue(assertThrows(RdbFormatException.class, () -> readAll(newer, RdbOptions.raw())).getMessage().contains("13"));
        byte[] notRdb = "HTTP/1.1 200 OK".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0, assertThrows(RdbFormatException.class, () -> readAll(notRdb, RdbOptions.raw())).offset());
    }

    @Test
    void valkeyOwnHeaderIsAccepted() throws IOException {
        byte[] body = new RdbBuilder(9).stringKey("k", "v").end();
        byte[] valkey = Arrays.copyOf("VALKEY080".getBytes(StandardCharsets.US_ASCII), body.length);
        System.arraycopy(body, 9, valkey, 9, body.length - 9);
        // The checksum covers the header, so recompute it for the new magic.
        long crc = Crc64.of(Arrays.copyOf(valkey, valkey.length - 8));
        for (int i = 0; i < 8; i++) {
            valkey[valkey.length - 8 + i] = (byte) (crc >>> (8 * i));
        }
        List<RdbEvent> events = readAll(valkey, RdbOptions.decoded());
        assertEquals(new RdbEvent.Header("VALKEY", 80), events.get(0));
        assertEquals(ChecksumStatus.VALID, ((RdbEvent.End) events.get(events.size() - 1)).checksum());
    }

    @Test
    void secondsExpiryOfOldFilesIsSignedAndScaled() throws IOException {
        RdbBuilder b = new RdbBuilder(2).u8(0xFD);
        int secs = -1; // 2.4 stores a signed 32-bit number: Redis reads 0xFFFFFFFF as -1 s
        for (int i = 0; i < 4; i++) {
            b.u8((secs >>> (8 * i)) & 0xff);
        }
        byte[] rdb = b.stringKey("k", "v").end();
        RdbEvent.KeyBegin k = (RdbEvent.KeyBegin) readAll(rdb, RdbOptions.decoded()).get(1);
        assertEquals(-1000, k.key().expireAtMs());
    }

    /**
     * RDB 1 (Redis 1.x to 2.2): no file written by such a server is in the corpus, so this hand-built one, laid out
     * as Redis 2.2's rdb.c writes it (linked list, hashtable set, zset with string scores, hashtable hash, a
     * seconds expiry, no checksum), is all that tests the version.
     */
    @Test
    void aHandBuiltRdbVersionOneFileReadsEveryTypeItCouldHold() throws IOException {
        RdbBuilder b = new RdbBuilder(1).selectDb(0).stringKey("s", "v").listKey("l", 2);
        b.u8(2).string("set").length(2).string("a").string("b");
        b.u8(3).string("z").length(1).string("m").u8(3).raw("1.5".getBytes(StandardCharsets.US_ASCII));
        b.u8(4).string("h").length(1).string("f").string("x");
        b.u8(0xFD);
        for (int i = 0; i < 4; i++) {
            b.u8((2_000_000_000 >>> (8 * i)) & 0xff);
        }
        byte[] rdb = b.stringKey("e", "later").end();
        List<RdbEvent> events = readAll(rdb, RdbOptions.decoded());
        assertEquals(new RdbEvent.Header("REDIS", 1), events.get(0));
        List<String> keys = new java.util.ArrayList<>();
        for (RdbEvent e : events) {
            if (e instanceof RdbEvent.KeyBegin k) {
                keys.add(new String(k.key().key(), StandardCharsets.US_ASCII) + ":" + k.key().type().valueType().wireName()
                        + (k.key().hasExpire() ? "@" + k.key().expireAtMs() : ""));
            }
        }
        assertEquals(List.of("s:string", "l:list", "set:set", "z:zset", "h:hash", "e:string@2000000000000"), keys);
        RdbEvent.SortedSetEntries z = (RdbEvent.SortedSetEntries) events.stream()
                .filter(e -> e instanceof RdbEvent.SortedSetEntries).findFirst().orElseThrow();
        assertEquals(1.5, z.entries().get(0).score());
        assertEquals(ChecksumStatus.ABSENT, ((RdbEvent.End) events.get(events.size() - 1)).checksum());
    }
}
