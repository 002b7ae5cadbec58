package io.slotferry.command;

import static io.slotferry.fixture.Bulk.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplaySafetyTest {
    private static final CommandTable TABLE = CommandTable.load();

    private static boolean safe(String line) {
        List<byte[]> argv = line(line);
        return TABLE.lookup(argv).orElseThrow().replaySafety().safe(argv);
    }

    @Test
    void everyWriteCommandOfTheTableIsClassifiedWithAReason() {
        List<String> unclassified = new ArrayList<>();
        for (CommandSpec spec : TABLE.all()) {
            if (spec.write() && spec.replaySafety() == ReplaySafety.UNCLASSIFIED) {
                unclassified.add(spec.name());
            }
        }
        assertEquals(List.of(), unclassified, "write commands without a replay_safe line in overrides.tsv");
    }

    @Test
    void scriptsAreClassifiedThoughTheirFlagsDoNotSayWrite() {
        for (String script : new String[] {"EVAL x 1 k", "EVALSHA x 1 k", "FCALL f 1 k"}) {
            assertFalse(safe(script), script);
        }
    }

    @Test
    void everyByArgumentsEntryHasItsDecision() {
        List<String> byArguments = new ArrayList<>();
        for (CommandSpec spec : TABLE.all()) {
            if (spec.replaySafety() == ReplaySafety.BY_ARGUMENTS) {
                byArguments.add(spec.name());
            }
        }
        assertEquals(ReplaySafety.DECIDED_BY_ARGUMENTS.stream().sorted().toList(), byArguments.stream().sorted().toList());
    }

    @Test
    void writesThatAddPopMoveOrComputeFromOtherKeysAreNotReplaySafe() {
        for (String line : Arrays.asList("INCR k", "RPUSH k a", "HINCRBY k f 1", "APPEND k a", "RENAME a b", "XADD s 1-1 f v",
                "LPOP k", "LTRIM k 1 -1", "ZREMRANGEBYRANK k 0 0", "SUNIONSTORE d a b", "BITOP AND d a b", "PFMERGE d a",
                "COPY a b", "LSET k 0 v", "LREM k 1 v", "SMOVE a b m", "ZADD k INCR 1 m", "ZADD k XX INCR 1 m", "zadd k gt ch incr 1 m", "HEXPIRE k 10 FIELDS 1 f")) {
            assertFalse(safe(line), line);
        }
    }

    @Test
    void writesThatSetOrDeleteToGivenValuesAreReplaySafe() {
        for (String line : Arrays.asList("SET k v", "SETEX k 10 v", "HSET k f v", "DEL k", "UNLINK k", "PEXPIREAT k 1", "PERSIST k",
                "SADD k m", "SREM k m", "ZADD k 1 m", "ZADD k NX CH 1 m", "zadd k xx lt 1 incr", "ZREM k m", "PFADD k a", "SETBIT k 1 1", "XDEL s 1-1",
                "GEOADD k 1 2 m", "ZREMRANGEBYSCORE k 0 1")) {
            assertTrue(safe(line), line);
        }
    }
}
