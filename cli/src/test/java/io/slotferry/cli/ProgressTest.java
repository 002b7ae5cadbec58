package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.load.LoadStats;
import org.junit.jupiter.api.Test;

/** The closing line counts only what the target acknowledged. */
class ProgressTest {
    @Test
    void afterAFailedLoadTheSummaryClaimsOnlyAcknowledgedKeysAndSaysHowManyAreUnconfirmed() {
        LoadStats.Snapshot c = new LoadStats.Snapshot(10_000, 3_636, 9_799, 0, 0, 0, 1, 0, 0, 0, 1000, 2000, 0);
        String line = Progress.summary("rdb:dump.rdb", c);
        assertTrue(line.startsWith("rdb:dump.rdb: loaded 3,636 keys (acknowledged by the target; submitted 9,799"), line);
        assertTrue(line.contains("6,162 submitted keys were not acknowledged"), line);
        assertTrue(!line.contains("9,799 restored"), line);
    }
}
