package io.slotferry.translate;

import static io.slotferry.fixture.Bulk.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpiryGraceTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final ExpiryGrace HOUR = new ExpiryGrace(3_600_000);

    private static String text(List<byte[]> argv) {
        List<String> out = new ArrayList<>();
        argv.forEach(a -> out.add(new String(a, StandardCharsets.US_ASCII)));
        return String.join(" ", out);
    }

    @Test
    void everyAbsoluteExpiryAStreamCarriesIsHeldByTheGrace() {
        assertEquals("PEXPIREAT k 1800003605000", text(HOUR.apply(line("PEXPIREAT k 1800000005000"), NOW)));
        assertEquals("PEXPIREAT k 1800003605000 GT", text(HOUR.apply(line("pexpireat k 1800000005000 GT"), NOW)));
        assertEquals("PEXPIREAT k 1800003605000", text(HOUR.apply(line("EXPIREAT k 1800000005"), NOW)));
        assertEquals("SET k v PXAT 1800003605000", text(HOUR.apply(line("SET k v PXAT 1800000005000"), NOW)));
        assertEquals("SET k v PXAT 1800003605000 NX", text(HOUR.apply(line("SET k v EXAT 1800000005 NX"), NOW)));
        assertEquals("GETEX k PXAT 1800003605000", text(HOUR.apply(line("GETEX k PXAT 1800000005000"), NOW)));
        assertEquals("RESTORE k 1800003605000 payload REPLACE ABSTTL",
                text(HOUR.apply(line("RESTORE k 1800000005000 payload REPLACE ABSTTL"), NOW)));
    }

    @Test
    void anExpiryAlreadyPastOrNoneIsLeftAsItIs() {
        List<byte[]> past = line("PEXPIREAT k 1799999999000");
        assertSame(past, HOUR.apply(past, NOW), "it deletes the key, as on the source");
        List<byte[]> none = line("RESTORE k 0 payload REPLACE ABSTTL");
        assertSame(none, HOUR.apply(none, NOW));
        List<byte[]> plain = line("SET k v");
        assertSame(plain, HOUR.apply(plain, NOW));
        List<byte[]> other = line("HSET k f v");
        assertSame(other, HOUR.apply(other, NOW));
        assertEquals(-1, HOUR.hold(-1, NOW));
        assertEquals(NOW + 10 + 3_600_000, HOUR.hold(NOW + 10, NOW));
    }

    @Test
    void aZeroGraceChangesNothingAndANegativeOneIsRefused() {
        List<byte[]> a = line("PEXPIREAT k 1800000005000");
        assertSame(a, new ExpiryGrace(0).apply(a, NOW));
        assertThrows(IllegalArgumentException.class, () -> new ExpiryGrace(-1));
    }
}
