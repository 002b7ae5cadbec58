package io.slotferry.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {
    private static final RunIdentity RUN = new RunIdentity(List.of("alpha/redis-1", "alpha/redis-2"), "rediss://u@target:6379");

    @TempDir
    Path dir;

    @Test
    void aSavedCheckpointReadsBackEqual() throws Exception {
        StateDirectory state = StateDirectory.open(dir, RUN);
        Checkpoint c = Checkpoint.streaming("alpha/redis-1", "8a1b2c3d4e5f60718293a4b5c6d7e8f901234567", 1_200, 1_100, 3, 1_300);
        state.save(c);
        assertEquals(c, StateDirectory.open(dir, RUN).checkpoint("alpha/redis-1").orElseThrow());
        assertTrue(state.checkpoint("alpha/redis-2").isEmpty());
    }

    @Test
    void theFileIsSnakeCaseJsonAndNoTemporaryFileStays() throws Exception {
        StateDirectory state = StateDirectory.open(dir, RUN);
        state.save(Checkpoint.snapshot("alpha/redis-1", "?", 0));
        String json = Files.readString(state.checkpointFile("alpha/redis-1"), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"applied_offset\" : -1"), json);
        assertTrue(json.contains("\"phase\" : \"SNAPSHOT\""), json);
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void aStateDirectoryOfOtherSourcesIsRefused() throws Exception {
        StateDirectory.open(dir, RUN);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> StateDirectory.open(dir, new RunIdentity(List.of("alpha/redis-1"), RUN.target())));
        assertTrue(e.getMessage().contains("another run"), e.getMessage());
    }

    @Test
    void aCheckpointOfAnotherFormatIsRefused() throws Exception {
        StateDirectory state = StateDirectory.open(dir, RUN);
        state.save(new Checkpoint(99, "alpha/redis-1", Checkpoint.Phase.STREAMING, "?", 0, 0, 0, "2026-01-01T00:00:00Z", 0));
        CheckpointException e = assertThrows(CheckpointException.class, () -> state.checkpoint("alpha/redis-1"));
        assertTrue(e.getMessage().contains("format 99"), e.getMessage());
    }

    @Test
    void sourceNamesBecomeSafeFileNames() throws Exception {
        StateDirectory state = StateDirectory.open(dir, RUN);
        assertEquals("checkpoint-codis_group-1_10.0.0.1_6379.json",
                state.checkpointFile("codis/group-1/10.0.0.1:6379").getFileName().toString());
    }
}
