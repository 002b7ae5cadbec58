package io.slotferry.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link RdbReader#value}: a value located in raw mode and read again on its own decodes to exactly the
 * events the whole-file decoded reader gives for that key, with absolute offsets.
 */
class SingleValueReaderTest {
    /** Small chunks, so that multi-chunk values (and their boundaries) are compared too. */
    private static final RdbOptions DECODED = RdbOptions.decoded().withChunks(16, 4096);

    @Test
    void everyCorpusValueReadOnItsOwnDecodesLikeTheWholeFile() throws IOException {
        int files = 0;
        int values = 0;
        for (Path file : RdbFuzzTest.corpusFiles()) {
            byte[] bytes = Files.readAllBytes(file);
            List<List<String>> keys;
            try {
                keys = decodedKeys(bytes);
            } catch (RdbFormatException corruptOnPurpose) {
                continue; // redis-assets holds deliberately corrupt files
            }
            files++;
            int k = 0;
            try (RdbReader raw = RdbReader.open(new ByteArrayInputStream(bytes), RdbOptions.raw())) {
                int version = 0;
                RdbEvent e;
                while ((e = raw.next()) != null) {
                    if (e instanceof RdbEvent.Header h) {
                        version = h.version();
                    } else if (e instanceof RdbEvent.RawValue v) {
                        InputStream at = new ByteArrayInputStream(bytes, (int) v.valueOffset(), (int) v.valueLength());
                        List<String> alone = new ArrayList<>();
                        try (RdbReader one = RdbReader.value(at, v.key(), v.valueOffset(), version, DECODED)) {
                            RdbEvent x;
                            while ((x = one.next()) != null) {
                                alone.add(describe(x));
                            }
                            assertEquals(v.valueOffset() + v.valueLength(), one.offset(),
                                    file.getFileName() + ": the value ends where raw mode located its end");
                        }
                        assertEquals(keys.get(k), alone, file.getFileName() + " key #" + k);
                        k++;
                        values++;
                    }
                }
            }
            assertEquals(keys.size(), k, file.getFileName() + ": every key was compared");
        }
        assertTrue(files > 40 && values > 2000, files + " files, " + values + " values");
    }

    @Test
    void aTruncatedValueFailsAtAnAbsoluteOffsetInsideIt() throws IOException {
        Path file = RdbFuzzTest.corpusFiles().stream().filter(p -> p.getFileName().toString().equals("redis-7.2.6.rdb"))
                .findFirst().orElseThrow();
        byte[] bytes = Files.readAllBytes(file);
        RdbEvent.RawValue big = null;
        try (RdbReader raw = RdbReader.open(new ByteArrayInputStream(bytes), RdbOptions.raw())) {
            RdbEvent e;
            while ((e = raw.next()) != null) {
                if (e instanceof RdbEvent.RawValue v && v.key().type() == RdbType.LIST_QUICKLIST_2
                        && (big == null || v.valueLength() > big.valueLength())) {
                    big = v;
                }
            }
        }
        RdbEvent.RawValue v = big;
        int half = (int) (v.valueLength() / 2);
        RdbFormatException error = assertThrows(RdbFormatException.class, () -> {
            try (RdbReader one = RdbReader.value(new ByteArrayInputStream(bytes, (int) v.valueOffset(), half), v.key(),
                    v.valueOffset(), 11, DECODED)) {
                while (one.next() != null) {
                    // read until the input ends
                }
            }
        });
        assertTrue(error.offset() > v.valueOffset() && error.offset() <= v.valueOffset() + half,
                "offset " + error.offset() + " is inside the value at " + v.valueOffset() + " (+" + half + " bytes read)");
    }

    @Test
    void aSingleValueReaderEndsAfterItsKey() throws IOException {
        byte[] rdb = new RdbBuilder(9).stringKey("k", "value").stringKey("next", "x").end();
        RdbEvent.RawValue v = (RdbEvent.RawValue) RdbReaderTest.readAll(rdb, RdbOptions.raw()).get(1);
        try (RdbReader one = RdbReader.value(new ByteArrayInputStream(rdb, (int) v.valueOffset(), rdb.length),
                v.key(), v.valueOffset(), 9, RdbOptions.decoded())) {
            assertTrue(one.next() instanceof RdbEvent.KeyBegin);
            assertEquals("value", new String(((RdbEvent.StringValue) one.next()).bytes(), StandardCharsets.US_ASCII));
            assertTrue(one.next() instanceof RdbEvent.KeyEnd);
            assertNull(one.next(), "the following key is not read");
            assertEquals(v.valueOffset() + v.valueLength(), one.offset());
        }
        assertThrows(IllegalArgumentException.class,
                () -> RdbReader.value(new ByteArrayInputStream(rdb), v.key(), v.valueOffset(), 9, RdbOptions.raw()));
    }

    /** The decoded events of every key of a file, KeyBegin to KeyEnd, as comparable text. */
    private static List<List<String>> decodedKeys(byte[] bytes) throws IOException {
        List<List<String>> keys = new ArrayList<>();
        List<String> current = null;
        try (RdbReader r = RdbReader.open(new ByteArrayInputStream(bytes), DECODED)) {
            RdbEvent e;
            while ((e = r.next()) != null) {
                if (e instanceof RdbEvent.KeyBegin) {
                    current = new ArrayList<>();
                    keys.add(current);
                }
                if (current != null) {
                    current.add(describe(e));
                }
                if (e instanceof RdbEvent.KeyEnd) {
                    current = null;
                }
            }
        }
        return keys;
    }

    /** A record rendered with its byte arrays as hex (records compare arrays by identity). */
    static String describe(Object o) {
        if (o instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        } else if (o instanceof List<?> l) {
            StringBuilder s = new StringBuilder("[");
            l.forEach(x -> s.append(describe(x)).append(','));
            return s.append(']').toString();
        } else if (o instanceof Record r) {
            StringBuilder s = new StringBuilder(r.getClass().getSimpleName()).append('(');
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                try {
                    s.append(c.getName()).append('=').append(describe(c.getAccessor().invoke(r))).append(' ');
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return s.append(')').toString();
        }
        return String.valueOf(o);
    }
}
