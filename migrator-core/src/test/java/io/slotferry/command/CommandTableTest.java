package io.slotferry.command;

import static io.slotferry.fixture.Bulk.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandTableTest {
    private static final CommandTable TABLE = CommandTable.load();

    private static CommandSpec spec(String words) {
        return TABLE.lookup(line(words)).orElseThrow(() -> new AssertionError("unknown: " + words));
    }

    /** Keys as "index" for read, "index!" for written: compact expectations. */
    private static String keys(String words) throws UndeterminedKeysException {
        List<String> out = new ArrayList<>();
        for (KeyRef k : spec(words).keys(line(words))) {
            out.add(k.index() + (k.written() ? "!" : ""));
        }
        return String.join(" ", out);
    }

    @Test
    void findsEveryKeyOfMsetWithStepTwo() throws Exception {
        assertEquals("1! 3! 5!", keys("MSET a 1 b 2 c 3"));
        assertEquals(ShardPolicy.MULTI_SHARD_SPLIT, spec("MSET a 1").policy());
    }

    @Test
    void findsZunionstoreDestinationAndNumkeysSources() throws Exception {
        assertEquals("1! 3 4", keys("ZUNIONSTORE dst 2 a b WEIGHTS 1 2"));
    }

    @Test
    void findsEvalKeysFromNumkeys() throws Exception {
        assertEquals("3! 4!", keys("EVAL return 2 k1 k2 arg"));
        assertEquals("", keys("EVAL return 0 arg"));
        assertEquals(ShardPolicy.SPECIAL, spec("EVAL s 0").policy());
    }

    @Test
    void refusesANumkeysBeyondTheArguments() {
        UndeterminedKeysException e = assertThrows(UndeterminedKeysException.class, () -> keys("EVAL return 3 k1"));
        assertEquals("eval", e.command());
        assertThrows(UndeterminedKeysException.class, () -> keys("EVAL return x k1"));
    }

    @Test
    void findsSortStoreDestinationAsWritten() throws Exception {
        assertEquals("1 5!", keys("SORT src BY w_* STORE dst"));
        assertEquals("1", keys("SORT src LIMIT 0 10"));
    }

    @Test
    void sortRoStaysUndeterminedForItsUnknownSpec() {
        assertThrows(UndeterminedKeysException.class, () -> keys("SORT_RO src"));
    }

    @Test
    void findsXreadgroupStreamsKeys() throws Exception {
        assertEquals("5 6", keys("XREADGROUP GROUP g c STREAMS s1 s2 > >"));
        assertEquals("7", keys("XREADGROUP GROUP g c COUNT 1 STREAMS s1 >"));
        assertEquals("2 3", keys("XREAD STREAMS a b 0 0"));
    }

    @Test
    void findsLmpopKeys() throws Exception {
        assertEquals("2! 3!", keys("LMPOP 2 a b LEFT COUNT 1"));
        assertEquals("3! 4!", keys("BLMPOP 0 2 a b RIGHT"));
    }

    @Test
    void resolvesXgroupCreateSubcommandKey() throws Exception {
        CommandSpec s = spec("XGROUP CREATE s g $ MKSTREAM");
        assertEquals("xgroup|create", s.name());
        assertEquals("2!", keys("xgroup create s g $ MKSTREAM"));
        assertTrue(TABLE.lookup(line("XGROUP NOSUCH s")).isEmpty());
        assertEquals("config|set", spec("CONFIG SET maxmemory 1").name());
        assertEquals("script|load", spec("SCRIPT LOAD x").name());
    }

    @Test
    void marksRenameSourceAndDestinationWritten() throws Exception {
        assertEquals("1! 2!", keys("RENAME a b"));
        assertEquals("1! 2!", keys("RENAMENX a b"));
    }

    @Test
    void refusesWrongArity() {
        assertFalse(spec("GET k").arityMatches(3));
        assertThrows(UndeterminedKeysException.class, () -> keys("GET a b"));
        assertThrows(UndeterminedKeysException.class, () -> keys("SET a"));
        assertThrows(UndeterminedKeysException.class, () -> keys("MSET"));
    }

    @Test
    void unknownCommandIsEmpty() {
        assertTrue(TABLE.lookup(line("NOSUCHCOMMAND a")).isEmpty());
        assertTrue(TABLE.lookup(List.of()).isEmpty());
    }

    @Test
    void lookupIgnoresCase() {
        assertEquals("get", spec("gEt k").name());
    }

    @Test
    void delIsSplitPerShard() throws Exception {
        assertEquals(ShardPolicy.MULTI_SHARD_SPLIT, spec("DEL a").policy());
        assertEquals(ShardPolicy.MULTI_SHARD_SPLIT, spec("UNLINK a").policy());
        assertEquals("1! 2! 3!", keys("DEL a b c"));
    }

    @Test
    void functionLoadGoesToAllShards() {
        assertEquals(ShardPolicy.ALL_SHARDS, spec("FUNCTION LOAD code").policy());
        assertEquals(ShardPolicy.ALL_SHARDS, spec("FUNCTION DELETE lib").policy());
        assertEquals(ShardPolicy.ALL_SHARDS, spec("FUNCTION FLUSH").policy());
    }

    @Test
    void codisSlotsrestoreAsyncIsSpecial() throws Exception {
        assertEquals(ShardPolicy.SPECIAL, spec("SLOTSRESTORE-ASYNC x").policy());
        assertEquals(ShardPolicy.SPECIAL, spec("SLOTSRESTORE k 0 payload").policy());
        assertEquals("codis-server-3.2.11", spec("SLOTSRESTORE k 0 payload").firstSeen());
        assertEquals("", keys("SLOTSDEL 1 2 3"), "slot numbers are not keys");
    }

    @Test
    void keylessAndSingleSlotPolicies() {
        assertEquals(ShardPolicy.KEYLESS, spec("PING").policy(), "override: the stream's keepalive PINGs");
        assertEquals(ShardPolicy.KEYLESS, spec("ECHO x").policy());
        assertEquals(ShardPolicy.ALL_SHARDS, spec("CONFIG SET a b").policy(), "request_policy:all_nodes");
        assertEquals(ShardPolicy.SINGLE_KEY_OR_SLOT, spec("SET k v").policy());
        assertEquals(ShardPolicy.SPECIAL, spec("SELECT 1").policy());
        assertEquals(ShardPolicy.SPECIAL, spec("FLUSHALL").policy());
    }

    @Test
    void findsGeoradiusStoreAndStoredist() throws Exception {
        assertEquals("1 7!", keys("GEORADIUS src 15 37 200 km STORE dst"));
        assertEquals("1 7!", keys("GEORADIUS src 15 37 200 km STOREDIST dst"));
        assertEquals("1", keys("GEORADIUS src 15 37 200 km WITHDIST"));
        assertEquals("1! 2", keys("GEOSEARCHSTORE dst src FROMMEMBER m BYRADIUS 1 km"));
    }

    @Test
    void findsBitopDestinationAndSources() throws Exception {
        assertEquals("2! 3 4", keys("BITOP AND dst a b"));
    }

    @Test
    void findsPfmergeDestinationAndSources() throws Exception {
        assertEquals("1! 2 3", keys("PFMERGE dst a b"));
    }

    @Test
    void findsCopySourceReadAndDestinationWritten() throws Exception {
        assertEquals("1 2!", keys("COPY a b REPLACE"));
    }

    @Test
    void findsSmoveLmoveBlmoveAndRpoplpushKeysWritten() throws Exception {
        assertEquals("1! 2!", keys("SMOVE a b m"));
        assertEquals("1! 2!", keys("LMOVE a b LEFT RIGHT"));
        assertEquals("1! 2!", keys("BLMOVE a b LEFT RIGHT 0"));
        assertEquals("1! 2!", keys("RPOPLPUSH a b"));
    }

    @Test
    void findsZrangestoreDestinationAndSource() throws Exception {
        assertEquals("1! 2", keys("ZRANGESTORE dst src 0 -1"));
    }

    @Test
    void findsSingleWrittenKeyOfSetXaddXclaimHset() throws Exception {
        assertEquals("1!", keys("SET k v EX 10"));
        assertEquals("1!", keys("XADD s * f v"));
        assertEquals("1!", keys("XCLAIM s g c 0 1-1"));
        assertEquals("1!", keys("HSET h f v f2 v2"));
        assertEquals("1", keys("GET k"));
    }

    @Test
    void findsMigrateKeysAfterTheKeysKeyword() throws Exception {
        assertEquals("3! 7! 8!", keys("MIGRATE host 6379 x 0 5000 KEYS a b"));
        assertEquals("3!", keys("MIGRATE host 6379 a 0 5000 COPY"));
    }

    @Test
    void preSevenCommandsUseLegacyPositions() throws Exception {
        // codis-only commands come from a 3.2 capture: no key specs, legacy positions only
        CommandSpec s = spec("SLOTSHASHKEY a b");
        assertTrue(s.keySpecs().isEmpty());
        assertEquals("", keys("SLOTSHASHKEY a b"));
        assertThrows(UndeterminedKeysException.class, () -> keys("STRALGO LCS KEYS a b"), "movablekeys without specs");
    }

    @Test
    void refusesAnOverrideOfAnUnknownCommandOrWithoutReason() {
        List<String> commands = List.of("get\t2\treadonly\t1\t1\t1\tRO,access index:1 range:0,1,0\t-\tredis-2.8.24\tredis-8.0-m01");
        assertEquals(ShardPolicy.SINGLE_KEY_OR_SLOT,
                CommandTable.parse(commands, List.of()).lookup(line("GET k")).orElseThrow().policy());
        assertThrows(CommandTableFormatException.class,
                () -> CommandTable.parse(commands, List.of("nosuch\tpolicy\tSPECIAL\tbecause")));
        assertThrows(CommandTableFormatException.class,
                () -> CommandTable.parse(commands, List.of("get\tpolicy\tSPECIAL\t ")));
        assertThrows(CommandTableFormatException.class,
                () -> CommandTable.parse(commands, List.of("get\tarity\t3\tnot an override field")));
    }

    @Test
    void tableIsLoadedOnce() {
        assertTrue(CommandTable.load() == TABLE);
        assertTrue(TABLE.size() > 400);
    }
}
