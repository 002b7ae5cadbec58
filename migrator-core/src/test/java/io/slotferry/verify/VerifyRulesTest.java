package io.slotferry.verify;

import static io.slotferry.fixture.Bulk.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.translate.DbMapping;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules verify judges by, without servers: TTL tolerance, count explanations, reverse mapping, windows. */
class VerifyRulesTest {

    @Test
    void ttlsWithinTheToleranceAgreeAndNoTtlMustStayNoTtl() {
        assertNull(ValueCompare.ttlDifference(-1, -1, 1000, 0));
        assertNull(ValueCompare.ttlDifference(5000, 4200, 1000, 0));
        assertTrue(ValueCompare.ttlDifference(5000, 3900, 1000, 0).contains("1100 ms apart"));
        assertTrue(ValueCompare.ttlDifference(5000, -1, 1000, 0).contains("target has no TTL"));
        assertTrue(ValueCompare.ttlDifference(-1, 5000, 1000, 0).contains("source has no TTL"));
    }

    @Test
    void theRunsTtlGraceIsTakenOffTheTargetsTtlBeforeTheyAreCompared() {
        assertNull(ValueCompare.ttlDifference(5000, 3_605_000, 1000, 3_600_000));
        assertTrue(ValueCompare.ttlDifference(5000, 5000, 1000, 3_600_000).contains("grace taken off"));
        assertNull(ValueCompare.ttlDifference(-1, -1, 1000, 3_600_000));
        assertTrue(ValueCompare.ttlDifference(5000, -1, 1000, 3_600_000).contains("target has no TTL"));
    }

    @Test
    void scoresAreComparedAsNumbers() {
        assertTrue(ValueCompare.sameScore(utf8("2.5"), utf8("2.5")));
        assertTrue(ValueCompare.sameScore(utf8("1e3"), utf8("1000")));
        assertTrue(ValueCompare.sameScore(utf8("inf"), utf8("+inf")));
        assertFalse(ValueCompare.sameScore(utf8("1"), utf8("1.0000001")));
        assertFalse(ValueCompare.sameScore(utf8("1"), utf8("x")));
    }

    @Test
    void theNextStreamWindowStartsRightAfterTheLastId() {
        assertEquals("5-1", StreamCompare.next("5-0"));
        assertEquals("6-0", StreamCompare.next("5-18446744073709551615"));
    }

    @Test
    void aShortfallCoveredByExpiredKeysIsExplainedAndAnythingElseIsNot() {
        assertEquals(0, new TargetBucket("db 0", 0, 100, 0, 100).unexplained());
        assertEquals(0, new TargetBucket("db 0", 0, 100, 5, 97).unexplained());
        assertEquals(2, new TargetBucket("db 0", 0, 100, 5, 93).unexplained());
        assertEquals(-3, new TargetBucket("db 0", 0, 100, 0, 103).unexplained());
        assertTrue(new TargetBucket("db 0", 0, 100, 5, 97).explanation().contains("TTL ran out"));
    }

    @Test
    void aPrefixedTargetKeyMayComeFromItsDatabaseOrFromDbZeroUnderTheSameName() {
        List<SourceHome> homes = SourceHome.of(DbMapping.parse("prefix"), utf8("3:user"), Set.of(0, 3));
        assertEquals(2, homes.size());
        assertEquals(3, homes.get(0).db());
        assertArrayEquals(utf8("user"), homes.get(0).key());
        assertEquals(0, homes.get(1).db());
        assertArrayEquals(utf8("3:user"), homes.get(1).key());
        assertEquals(1, SourceHome.of(DbMapping.parse("prefix"), utf8("plain"), Set.of(0)).size());
    }

    @Test
    void aMergedTargetKeyMayComeFromAnySourceDatabase() {
        List<SourceHome> homes = SourceHome.of(DbMapping.parse("merge"), utf8("k"), new java.util.TreeSet<>(Set.of(0, 2, 5)));
        assertEquals(3, homes.size());
        assertEquals(5, homes.get(2).db());
        assertEquals(4, SourceHome.of(DbMapping.parse("only:4"), utf8("k"), Set.of(0)).get(0).db());
    }

    @Test
    void keysAreShownAsPrintableAsciiAndAsHex() {
        Difference d = new Difference(DiffKind.MISSING, "s", 0, new byte[] {'a', (byte) 0xff}, new byte[] {'a', (byte) 0xff}, "");
        assertEquals("\"a\\xff\"", d.shownKey());
        assertEquals("61ff", d.hexKey());
    }

    @Test
    void expiriesAreCountedUpToAGivenTime() {
        ExpiryWindow w = new ExpiryWindow(1_000_000);
        w.add(0, 1_001_000);
        w.add(0, 1_005_000);
        w.add(0, 1_000_000 + ExpiryWindow.HORIZON_MS + 1000); // beyond the horizon: not kept
        assertEquals(1, w.expiredBy(0, 1_002_000));
        assertEquals(2, w.expiredBy(0, 2_000_000_000));
        assertEquals(0, w.expiredBy(3, 2_000_000_000));
    }
}
