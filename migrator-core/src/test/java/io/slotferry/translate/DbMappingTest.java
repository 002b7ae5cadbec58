package io.slotferry.translate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.routing.HashSlot;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DbMappingTest {

    @Test
    void onlyZeroKeepsDatabaseZeroAndSkipsTheRest() {
        DbMapping m = DbMapping.parse("only:0");
        assertArrayEquals(b("k"), m.targetKey(0, b("k")));
        assertNull(m.targetKey(1, b("k")));
        assertInstanceOf(DbMapping.Only.class, DbMapping.defaults());
    }

    @Test
    void prefixNamesKeysOfOtherDatabasesAndKeepsHashTags() {
        DbMapping m = DbMapping.parse("prefix");
        assertArrayEquals(b("k"), m.targetKey(0, b("k")));
        assertArrayEquals(b("12:{user}a"), m.targetKey(12, b("{user}a")));
        assertEquals(HashSlot.of(b("{user}a")), HashSlot.of(m.targetKey(3, b("{user}b"))));
        assertEquals(12, m.sourceDb(b("12:{user}a")));
        assertEquals(0, m.sourceDb(b("plain")));
        assertEquals(0, m.sourceDb(b("007:x")), "a leading zero is no database number this mapping wrote");
        assertArrayEquals(b("{user}a"), ((DbMapping.Prefix) m).sourceKey(b("12:{user}a")));
    }

    @Test
    void prefixFormatIsConfigurable() {
        DbMapping.Prefix m = (DbMapping.Prefix) DbMapping.parse("prefix:db%d/");
        assertArrayEquals(b("db4/k"), m.targetKey(4, b("k")));
        assertEquals(4, m.sourceDb(b("db4/k")));
        assertEquals(0, m.sourceDb(b("db4k")));
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
        assertArrayEquals(b("k"), m.targetKey(7, b("k")));
        assertEquals(-1, m.sourceDb(b("k")));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
