package io.slotferry.translate;

import static io.slotferry.fixture.Bulk.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AbsoluteExpiryTest {
    private static final long RECEIVED = 1_700_000_000_000L;

    @Test
    void expireBecomesPexpireatFromTheReceiveTime() {
        assertEquals("PEXPIREAT k 1700000060000", apply("EXPIRE k 60"));
        assertEquals("PEXPIREAT k 1700000000500 NX", apply("pexpire k 500 NX"));
    }

    @Test
    void setexAndPsetexBecomeSetWithPxat() {
        assertEquals("SET k v PXAT 1700000060000", apply("SETEX k 60 v"));
        assertEquals("SET k v PXAT 1700000000250", apply("PSETEX k 250 v"));
    }

    @Test
    void setExAndPxOptionsBecomePxatKeepingTheOthers() {
        assertEquals("SET k v PXAT 1700000060000 NX", apply("SET k v ex 60 NX"));
        assertEquals("SET k v NX PXAT 1700000000010", apply("SET k v NX PX 10"));
        assertEquals("GETEX k PXAT 1700000001000", apply("GETEX k EX 1"));
    }

    @Test
    void namesAndOptionsMatchInAnyLetterCaseAndLookalikesAreLeftAlone() {
        assertEquals("set k v PXAT 1700000000010", apply("set k v px 10")); // the name as sent, its option rewritten
        assertEquals("SET k v PXAT 1700000002000", apply("SeTeX k 2 v"));
        assertEquals("restore k 5 payload abstTL", apply("restore k 5 payload abstTL"));
        for (String lookalike : List.of("EXPIREAT k 60", "SETNX k 60", "PSET k 60 v", "SET k v PXX 1", "SET k v EXAT 1", "GETDEL k")) {
            List<byte[]> argv = line(lookalike);
            assertSame(argv, AbsoluteExpiry.apply(argv, RECEIVED), lookalike);
        }
    }

    @Test
    void restoreWithARelativeTtlGetsAbsttl() {
        assertEquals("RESTORE k 1700000005000 payload REPLACE ABSTTL", apply("RESTORE k 5000 payload REPLACE"));
        assertEquals("RESTORE k 0 payload", apply("RESTORE k 0 payload"));
        assertEquals("RESTORE k 123 payload ABSTTL", apply("RESTORE k 123 payload ABSTTL"));
    }

    @Test
    void leavesAbsoluteAndOtherCommandsAlone() {
        List<byte[]> argv = line("SET k v PXAT 5");
        assertSame(argv, AbsoluteExpiry.apply(argv, RECEIVED));
        List<byte[]> pexpireat = line("PEXPIREAT k 5");
        assertSame(pexpireat, AbsoluteExpiry.apply(pexpireat, RECEIVED));
        List<byte[]> bad = line("EXPIRE k notanumber");
        assertSame(bad, AbsoluteExpiry.apply(bad, RECEIVED), "the target refuses it as the source would have");
    }

    private static String apply(String command) {
        StringBuilder s = new StringBuilder();
        for (byte[] a : AbsoluteExpiry.apply(line(command), RECEIVED)) {
            s.append(s.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.US_ASCII));
        }
        return s.toString();
    }
}
