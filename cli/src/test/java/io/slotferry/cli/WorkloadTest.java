package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.command.CommandSpec;
import io.slotferry.command.CommandTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class WorkloadTest {
    private static final CommandTable TABLE = CommandTable.load();

    @Test
    void everyWriteCommandOfTheTableIsGeneratedOrHasAReasonNotToBe() {
        Set<String> writes = new TreeSet<>();
        for (CommandSpec spec : TABLE.all()) {
            if (spec.write()) {
                writes.add(spec.name());
            }
        }
        writes.addAll(List.of("eval", "evalsha", "fcall")); // scripts are writes by what they run
        Set<String> missing = new TreeSet<>(writes);
        missing.removeAll(Workload.COVERED);
        missing.removeAll(Workload.NOT_GENERATED.keySet());
        assertEquals(Set.of(), missing, "write commands with neither a recipe nor a reason");
        Set<String> both = new TreeSet<>(Workload.COVERED);
        both.retainAll(Workload.NOT_GENERATED.keySet());
        assertEquals(Set.of(), both, "generated and excluded at once");
        Set<String> unknown = new TreeSet<>(Workload.COVERED);
        unknown.addAll(Workload.NOT_GENERATED.keySet());
        unknown.removeAll(writes);
        assertEquals(Set.of(), unknown, "names that are no write command of the table");
    }

    @Test
    void aSeedGivesTheSameCallsEveryTime() {
        assertTrue(calls(42, 2000).equals(calls(42, 2000)), "one seed, one sequence of calls");
        assertTrue(!calls(42, 200).equals(calls(43, 200)), "another seed, other calls");
    }

    @Test
    void aLongEnoughRunCallsEveryCoveredCommand() {
        Set<String> seen = new TreeSet<>();
        for (List<String> call : calls(7, 60_000)) {
            seen.add(call.get(0).toLowerCase(Locale.ROOT) + (call.get(0).equalsIgnoreCase("xgroup") || call.get(0)
                    .equalsIgnoreCase("function") ? "|" + call.get(1).toLowerCase(Locale.ROOT) : ""));
        }
        Set<String> never = new TreeSet<>(Workload.COVERED);
        never.removeAll(seen);
        assertEquals(Set.of(), never, "covered commands a long run never sent");
    }

    private static List<List<String>> calls(long seed, int steps) {
        Workload w = new Workload(seed, Workload.COVERED, false, 1_800_000_000_000L);
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            out.addAll(w.nextStep());
        }
        return out;
    }
}
