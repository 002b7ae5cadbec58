package io.slotferry.translate;

import static io.slotferry.fixture.Bulk.argv;
import static io.slotferry.fixture.Bulk.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class CodisRestoreTest {
    private static final long NOW = 1_700_000_000_000L;
    private final CodisRestore codis = new CodisRestore(UnaryOperator.identity());

    @Test
    void slotsrestoreBecomesOneRestorePerKeyWithAnAbsoluteTtl() throws Exception {
        List<KeyCommands> out = codis.translate(argv("SLOTSRESTORE", "a", "0", "P1", "b", "5000", "P2"), NOW);
        assertEquals(List.of("RESTORE a 0 P1 REPLACE ABSTTL"), text(out.get(0)));
        assertEquals(List.of("RESTORE b 1700000005000 P2 REPLACE ABSTTL"), text(out.get(1)));
    }

    @Test
    void asyncStringObjectAndDeleteBecomePlainCommands() throws Exception {
        assertEquals(List.of("SET k v"), text(one("SLOTSRESTORE-ASYNC", "string", "k", "0", "v")));
        assertEquals(List.of("SET k v PXAT 1700000000100"), text(one("SLOTSRESTORE-ASYNC", "string", "k", "100", "v")));
        assertEquals(List.of("RESTORE k 0 PAYLOAD REPLACE ABSTTL"), text(one("slotsrestore-async", "object", "k", "0", "PAYLOAD")));
        assertEquals(List.of("DEL k"), text(one("SLOTSRESTORE-ASYNC", "delete", "k")));
    }

    @Test
    void firstListChunkReplacesTheKeyAndFinalExpireEndsIt() throws Exception {
        KeyCommands first = one("SLOTSRESTORE-ASYNC", "list", "l", "15000", "4", "e1", "e2");
        assertEquals(List.of("DEL l", "RPUSH l e1 e2", "PEXPIREAT l 1700000015000"), text(first));
        assertFalse(first.idempotent(), "an RPUSH sent twice duplicates elements");
        assertEquals(1, codis.keysInProgress());
        assertEquals(List.of("RPUSH l e3 e4", "PEXPIREAT l 1700000015000"), text(one("SLOTSRESTORE-ASYNC", "list", "l", "15000", "4", "e3", "e4")));
        assertEquals(List.of("PEXPIREAT l 1700000015000"), text(one("SLOTSRESTORE-ASYNC", "list", "l", "15000", "4")));
        assertEquals(List.of("PERSIST l"), text(one("SLOTSRESTORE-ASYNC", "expire", "l", "0")));
        assertEquals(0, codis.keysInProgress());
        assertEquals(List.of("DEL l", "RPUSH l x", "PEXPIREAT l 1700000015000"),
                text(one("SLOTSRESTORE-ASYNC", "list", "l", "15000", "1", "x")), "a new migration of the key replaces it again");
        assertEquals(List.of("PEXPIREAT l 1700000000500"), text(one("SLOTSRESTORE-ASYNC", "expire", "l", "500")));
    }

    @Test
    void decodesZsetScoresAsLittleEndianDoubles() throws Exception {
        List<byte[]> argv = new ArrayList<>(argv("SLOTSRESTORE-ASYNC", "zset", "z", "0", "3", "m1"));
        argv.add(le(130.0));
        argv.add(utf8("m2"));
        argv.add(le(Double.NEGATIVE_INFINITY));
        argv.add(utf8("m3"));
        argv.add(le(0.1));
        assertEquals(List.of("DEL z", "ZADD z 130.0 m1 -inf m2 0.1 m3"), text(codis.translate(argv, NOW).get(0)));
    }

    @Test
    void hashAndDictChunksBecomeHsetAndSadd() throws Exception {
        assertEquals(List.of("DEL h", "HSET h f v"), text(one("SLOTSRESTORE-ASYNC", "hash", "h", "0", "1", "f", "v")));
        assertEquals(List.of("DEL s", "SADD s a b"), text(one("SLOTSRESTORE-ASYNC", "dict", "s", "0", "2", "a", "b")));
    }

    @Test
    void mapsEveryKeyThroughTheDatabaseMapping() throws Exception {
        CodisRestore prefixed = new CodisRestore(k -> (new String(k, StandardCharsets.UTF_8) + "!").getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("DEL k!"), text(prefixed.translate(argv("SLOTSRESTORE-ASYNC", "delete", "k"), NOW).get(0)));
    }

    @Test
    void slotsdelStopsTheWorker() {
        CodisCommandException e = assertThrows(CodisCommandException.class, () -> codis.translate(argv("SLOTSDEL", "417"), NOW));
        assertTrue(e.getMessage().startsWith("SLOTSDEL"), e.getMessage());
        assertTrue(CodisRestore.handles(argv("slotsdel", "1")));
    }

    @Test
    void refusesMalformedCommands() {
        assertThrows(CodisCommandException.class, () -> codis.translate(argv("SLOTSRESTORE-ASYNC", "blob", "k", "0"), NOW));
        assertThrows(CodisCommandException.class, () -> codis.translate(argv("SLOTSRESTORE-ASYNC", "string", "k", "x", "v"), NOW));
        assertThrows(CodisCommandException.class, () -> codis.translate(argv("SLOTSRESTORE", "k", "0"), NOW));
        assertThrows(CodisCommandException.class, () -> codis.translate(argv("SLOTSRESTORE-ASYNC", "hash", "h", "0", "1", "f"), NOW));
        assertThrows(CodisCommandException.class, () -> codis.translate(argv("SLOTSRESTORE-ASYNC", "zset", "z", "0", "1", "m", "short"), NOW));
    }

    private KeyCommands one(String... args) throws CodisCommandException {
        List<KeyCommands> out = codis.translate(argv(args), NOW);
        assertEquals(1, out.size());
        return out.get(0);
    }

    private static List<String> text(KeyCommands k) {
        List<String> out = new ArrayList<>();
        for (List<byte[]> c : k.commands()) {
            StringBuilder s = new StringBuilder();
            for (byte[] a : c) {
                s.append(s.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.ISO_8859_1));
            }
            out.add(s.toString());
        }
        return out;
    }

    private static byte[] le(double d) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(d).array();
    }
}
