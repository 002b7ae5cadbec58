package io.slotferry.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.slotferry.replication.ReplicationId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackgroundSavesTest {
    private static final String SOURCE = "alpha/redis-1";
    private static final RunIdentity RUN = new RunIdentity(List.of(SOURCE), "redis://target:6379");
    private static final ReplicationId REPLID = new ReplicationId("8a1b2c3d4e5f60718293a4b5c6d7e8f901234567");

    @TempDir
    Path dir;

    private static Checkpoint at(long applied, long submitLimit) {
        return Checkpoint.streaming(SOURCE, REPLID, applied, applied, 0, submitLimit);
    }

    @Test
    void aRecordSavedNowIsOnDiskWhenTheCallReturns() throws Exception {
        StateDirectory state = StateDirectory.open(dir, RUN);
        try (BackgroundSaves saves = new BackgroundSaves(state, SOURCE)) {
            Checkpoint c = at(1_000, 2_000);
            saves.saveNow(c);
            assertEquals(c, state.checkpoint(SOURCE).orElseThrow());
        }
    }

    @Test
    void afterManyRecordsAskedForInARowTheNewestIsTheOneOnDisk() throws Exception {
        StateDirectory state = StateDirectory.open(dir, RUN);
        Random random = new Random(15);
        Checkpoint last = null;
        try (BackgroundSaves saves = new BackgroundSaves(state, SOURCE)) {
            long applied = 0;
            for (int i = 0; i < 500; i++) {
                applied += 1 + random.nextInt(1_000);
                last = at(applied, applied + 64);
                saves.save(last);
            }
        } // close saves what was asked for
        assertEquals(last, state.checkpoint(SOURCE).orElseThrow());
    }

    @Test
    void aWaitForTheSubmitLimitReturnsOnceARecordWithItIsOnDisk() throws Exception {
        StateDirectory state = StateDirectory.open(dir, RUN);
        try (BackgroundSaves saves = new BackgroundSaves(state, SOURCE)) {
            saves.save(at(100, 5_000));
            saves.awaitSubmitLimit(5_000);
            assertEquals(5_000, state.checkpoint(SOURCE).orElseThrow().submitLimit());
        }
    }

    @Test
    void waitingForASubmitLimitNoRecordAskedForRaisesFailsInsteadOfHanging() throws Exception {
        StateDirectory state = StateDirectory.open(dir, RUN);
        try (BackgroundSaves saves = new BackgroundSaves(state, SOURCE)) {
            saves.saveNow(at(100, 5_000));
            assertThrows(IllegalStateException.class, () -> saves.awaitSubmitLimit(5_001));
        }
    }

    @Test
    void aSaveThatFailedIsThrownToTheNextCaller() throws Exception {
        StateDirectory state = StateDirectory.open(dir, RUN);
        try (BackgroundSaves saves = new BackgroundSaves(state, SOURCE)) {
            saves.saveNow(at(100, 200));
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir); // the next save finds no directory to write its temporary file in
            assertThrows(CheckpointException.class, () -> saves.saveNow(at(300, 400)));
            assertThrows(CheckpointException.class, () -> saves.save(at(500, 600)));
        }
    }
}
