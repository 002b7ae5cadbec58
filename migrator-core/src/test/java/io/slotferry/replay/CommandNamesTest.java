package io.slotferry.replay;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.slotferry.command.CommandSpec;
import io.slotferry.command.CommandTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandNamesTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void findsEveryNameItRemembersAsSpelledAndNothingElse() {
        List<CommandSpec> all = new ArrayList<>(CommandTable.load().all());
        CommandNames<CommandSpec> byName = new CommandNames<>();
        List<CommandSpec> kept = all.subList(0, 100);
        for (CommandSpec spec : kept) {
            byte[] name = ascii(spec.name());
            byName.put(name, spec);
            name[0] = '#'; // the table keeps its own copy
        }
        for (CommandSpec spec : kept) {
            assertSame(spec, byName.get(ascii(spec.name())), spec.name());
        }
        for (CommandSpec spec : all.subList(100, all.size())) {
            assertNull(byName.get(ascii(spec.name())), spec.name() + " was never put");
        }
        assertNull(byName.get(ascii(kept.get(0).name().toUpperCase(java.util.Locale.ROOT) + "X")));
    }

    @Test
    void stopsRememberingWhenHalfFull() {
        List<CommandSpec> all = new ArrayList<>(CommandTable.load().all());
        CommandNames<CommandSpec> byName = new CommandNames<>();
        for (CommandSpec spec : all.subList(0, 200)) {
            byName.put(ascii(spec.name()), spec);
        }
        for (CommandSpec spec : all.subList(0, 128)) {
            assertSame(spec, byName.get(ascii(spec.name())), spec.name());
        }
        for (CommandSpec spec : all.subList(128, 200)) {
            assertNull(byName.get(ascii(spec.name())), spec.name() + " came after the table was half full");
        }
    }
}
