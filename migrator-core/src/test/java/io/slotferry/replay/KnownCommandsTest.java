package io.slotferry.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.command.CommandTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnownCommandsTest {
    private static final KnownCommands TABLE = new KnownCommands(CommandTable.load());

    private static List<byte[]> argv(String... words) {
        List<byte[]> out = new ArrayList<>();
        for (String w : words) {
            out.add(w.getBytes(StandardCharsets.US_ASCII));
        }
        return out;
    }

    @Test
    void aCommandItsNameDecidesHasOneEntryForEverySpellingAndEveryArgument() throws ReplayException {
        KnownCommands.Entry upper = TABLE.spec(argv("SET", "k", "v"), 0);
        assertTrue(upper.byName());
        assertEquals("set", upper.spec().name().toLowerCase());
        assertSame(upper, TABLE.spec(argv("set", "other", "v", "PX", "10"), 0));
        assertSame(upper.spec(), TABLE.known(argv("sEt", "k", "w")));
    }

    @Test
    void aSubcommandIsNotDecidedByTheName() throws ReplayException {
        KnownCommands.Entry create = TABLE.spec(argv("XGROUP", "CREATE", "s", "g", "$"), 0);
        assertFalse(create.byName(), create.spec().name());
        assertTrue(create.spec().name().indexOf('|') > 0, create.spec().name());
    }
}
