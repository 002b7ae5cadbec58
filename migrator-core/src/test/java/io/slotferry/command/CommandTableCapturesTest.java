package io.slotferry.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checked-in table is exactly what the captures in {@code ../shared/redis-commands} give. */
class CommandTableCapturesTest {
    private static Path captures() {
        Path p = Path.of(System.getProperty("slotferry.shared.dir", "../../shared"), "redis-commands")
                .toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("the shared command captures are missing: expected " + p);
        }
        return p;
    }

    @Test
    void checkedInTableEqualsTheRegeneratedOne() {
        String expected = CommandTableGenerator.generate(captures());
        String actual = String.join("\n", CommandTable.readLines(CommandTable.COMMANDS)) + "\n";
        // assertEquals on lines shows the first differing command, not two 50 kB strings
        assertEquals(List.of(expected.split("\n")), List.of(actual.split("\n")),
                "commands.tsv is stale: run scripts/gen-command-table.sh");
    }

    @Test
    void everyOverrideNamesAKnownCommandAndGivesAReason() {
        CommandTable table = CommandTable.load();
        List<String> lines = CommandTable.readLines(CommandTable.OVERRIDES);
        int entries = 0;
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            assertEquals(4, f.length, line);
            assertTrue(table.names().contains(f[0]), "override of unknown command: " + line);
            assertTrue(CommandTable.OVERRIDE_FIELDS.contains(f[1]), "unknown field: " + line);
            assertFalse(f[3].isBlank(), "no reason: " + line);
            entries++;
        }
        Map<String, Map<String, String>> parsed = CommandTable.parseOverrides(lines);
        assertEquals(entries, parsed.values().stream().mapToInt(Map::size).sum(), "one line per command and field");
    }

    @Test
    void tableHoldsEveryCapturedCommandAndSubcommand() {
        CommandTable table = CommandTable.load();
        assertEquals(table.size(), table.names().size());
        for (String n : List.of("xgroup|create", "script|load", "function|load", "config|set", "object|encoding",
                "slotsrestore-async", "get")) {
            assertTrue(table.names().contains(n), n);
        }
    }
}
