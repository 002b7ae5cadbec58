package io.slotferry.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.command.CommandTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class StreamReplayerTest {

    /** The names overrides.tsv gives {@code policy SPECIAL}, as written ({@code script|load}). */
    private static Set<String> specialOverrides() throws IOException {
        Set<String> names = new TreeSet<>();
        try (InputStream in = CommandTable.class.getResourceAsStream("overrides.tsv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split("\t");
                if (!line.startsWith("#") && f.length >= 3 && f[1].equals("policy") && f[2].equals("SPECIAL")) {
                    names.add(f[0]);
                }
            }
        }
        return names;
    }

    /** The handler table's key of an override name: the command, upper case ({@code script|load} → {@code SCRIPT}). */
    private static String handlerName(String override) {
        int bar = override.indexOf('|');
        return (bar < 0 ? override : override.substring(0, bar)).toUpperCase(Locale.ROOT);
    }

    @Test
    void everySpecialCommandOfTheOverridesHasAHandler() throws IOException {
        Set<String> specials = specialOverrides();
        assertTrue(specials.size() >= 30, "read " + specials);
        Set<String> missing = new TreeSet<>();
        for (String name : specials) {
            if (!StreamReplayer.SPECIAL.containsKey(handlerName(name))) {
                missing.add(name);
            }
        }
        assertEquals(Set.of(), missing, "SPECIAL in overrides.tsv but no handler in StreamReplayer.SPECIAL");
    }

    @Test
    void everyHandlerIsForASpecialCommandOfTheOverrides() throws IOException {
        Set<String> handled = new TreeSet<>();
        for (String name : specialOverrides()) {
            handled.add(handlerName(name));
        }
        Set<String> extra = new TreeSet<>(StreamReplayer.SPECIAL.keySet());
        extra.removeAll(handled);
        assertEquals(Set.of(), extra, "handlers without a SPECIAL line in overrides.tsv");
    }

    @Test
    void theRulesBeforeRoutingAreForCommandsThatAreNotSpecial() throws IOException {
        for (String name : specialOverrides()) {
            assertFalse(StreamReplayer.RULES.containsKey(handlerName(name)), name + " is SPECIAL: its handler belongs in SPECIAL");
        }
    }
}
