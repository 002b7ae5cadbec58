package io.slotferry.command;

import static io.slotferry.fixture.Bulk.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CommandSpecTest {
    private static final CommandTable TABLE = CommandTable.load();

    private static CommandSpec spec(String words) {
        return TABLE.lookup(line(words)).orElseThrow(() -> new AssertionError("unknown: " + words));
    }

    @Test
    void fixedKeysAreWhatEveryCallOfAnyLengthGivesForEveryCommandThatHasThem() throws Exception {
        Random random = new Random(20261207);
        int fixed = 0;
        for (CommandSpec spec : TABLE.all()) {
            List<KeyRef> keys = spec.fixedKeys();
            if (keys == null) {
                continue;
            }
            fixed++;
            int shortest = Math.abs(spec.arity());
            int longest = spec.arity() > 0 ? shortest : shortest + 6;
            for (int argc = shortest; argc <= longest; argc++) {
                List<byte[]> argv = new ArrayList<>();
                argv.add(spec.name().getBytes(StandardCharsets.US_ASCII));
                while (argv.size() < argc) {
                    argv.add(Integer.toString(random.nextInt(1000)).getBytes(StandardCharsets.US_ASCII));
                }
                assertEquals(spec.keys(argv), keys, spec.name() + " with " + argc + " arguments");
            }
        }
        assertTrue(fixed > 100, "only " + fixed + " commands with fixed keys");
    }

    @Test
    void theCommonSingleKeyWritesHaveFixedKeysAndArgumentDependentOnesDoNot() {
        for (String words : List.of("SET k v", "INCR k", "HSET h f v", "RPUSH l a", "SADD s m", "ZADD z 1 m", "PEXPIREAT k 1")) {
            List<KeyRef> keys = spec(words).fixedKeys();
            assertNotNull(keys, words);
            assertEquals(List.of(new KeyRef(1, true)), keys, words);
        }
        for (String words : List.of("MSET a 1 b 2", "DEL a b", "ZUNIONSTORE d 2 a b", "EVAL s 1 k", "XREAD STREAMS s 0", "SORT k STORE d")) {
            assertNull(spec(words).fixedKeys(), words);
        }
    }
}
