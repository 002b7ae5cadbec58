package io.slotferry.translate;

import static io.slotferry.fixture.Bulk.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.routing.HashSlot;
import org.junit.jupiter.api.Test;

class DbMappingTest {

    @Test
    void onlyZeroKeepsDatabaseZeroAndSkipsTheRest() {
        DbMapping m = DbMapping.parse("only:0");
        assertArrayEquals(utf8("k"), m.targetKey(0, utf8("k")));
        assertNull(m.targetKey(1, utf8("k")));
        assertInstanceOf(DbMapping.Only.class, DbMapping.defaults());
    }

    @Test
    void prefixNamesKeysOfOtherDatabasesAndKeepsHashTags() {
        DbMapping m = DbMapping.parse("prefix");
        assertArrayEquals(utf8("k"), m.targetKey(0, utf8("k")));
        assertArrayEquals(utf8("12:{user}a"), m.targetKey(12, utf8("{user}a")));
        assertEquals(HashSlot.of(utf8("{user}a")), HashSlot.of(m.targetKey(3, utf8("{user}b"))));
        assertEquals(12, m.sourceDb(utf8("12:{user}a")));
        assertEquals(0, m.sourceDb(utf8("plain")));
        assertEquals(0, m.sourceDb(utf8("007:x")), "a leading zero is no database number this mapping wrote");
        assertArrayEquals(utf8("{user}a"), ((DbMapping.Prefix) m).sourceKey(utf8("12:{user}a")));
    }

    @Test
    void prefixFormatIsConfigurable() {
        DbMapping.Prefix m = (DbMapping.Prefix) DbMapping.parse("prefix:db%d/");
        assertArrayEquals(utf8("db4/k"), m.targetKey(4, utf8("k")));
        assertEquals(4, m.sourceDb(utf8("db4/k")));
        assertEquals(0, m.sourceDb(utf8("db4k")));
    }

    @Test
    void refusesFormatsThatBreakHashTagsOrPatterns() {
        assertThrows(IllegalArgumentException.class, () -> DbMapping.parse("prefix:{%d}"));
        assertThrows(IllegalArgumentException.class, () -> DbMapping.parse("prefix:%d*"));
        assertThrows(IllegalArgumentException.class, () -> DbMapping.parse("prefix:nodb"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DbMapping.parse("shuffle"));
        assertTrue(e.getMessage().contains("only:0"), e.getMessage());
    }

    @Test
    void mergeKeepsEveryNameAndCannotTellTheDatabase() {
        DbMapping m = DbMapping.parse("merge");
        assertArrayEquals(utf8("k"), m.targetKey(7, utf8("k")));
        assertEquals(-1, m.sourceDb(utf8("k")));
    }
}
