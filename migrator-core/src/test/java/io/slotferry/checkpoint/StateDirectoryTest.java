package io.slotferry.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.replication.ReplicationId;
import io.slotferry.replication.StreamPosition;
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
        Checkpoint c = Checkpoint.streaming("alpha/redis-1", new ReplicationId("8a1b2c3d4e5f60718293a4b5c6d7e8f901234567"), 1_200, 1_100, 3, 1_300);
        state.save(c);
        assertEquals(c, StateDirectory.open(dir, RUN).checkpoint("alpha/redis-1").orElseThrow());
        assertTrue(state.checkpoint("alpha/redis-2").isEmpty());
    }

    @Test
    void theFileIsSnakeCaseJsonAndNoTemporaryFileStays() throws Exception {
        StateDirectory state = StateDirectory.open(dir, RUN);
        state.save(Checkpoint.snapshot("alpha/redis-1", ReplicationId.NONE, 0));
        String json = Files.readString(state.checkpointFile("alpha/redis-1"), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"applied_offset\" : -1"), json);
        assertTrue(json.contains("\"phase\" : \"SNAPSHOT\""), json);
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    /** A checkpoint as the builds before the typed replication id wrote it, byte for byte. */
    private static final String OLD_CHECKPOINT = """
            {
              "format_version" : 1,
              "source" : "alpha/redis-1",
              "phase" : "STREAMING",
              "replid" : "8a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
              "received_offset" : 1200,
              "applied_offset" : 1100,
              "db" : 3,
              "written_at" : "2026-12-01T10:00:00Z",
              "submit_limit" : 1300
            }""";

    @Test
    void aCheckpointFileOfEarlierBuildsReadsAndIsWrittenBackTheSame() throws Exception {
        StateDirectory state = StateDirectory.open(dir, RUN);
        Files.writeString(state.checkpointFile("alpha/redis-1"), OLD_CHECKPOINT, StandardCharsets.UTF_8);
        Checkpoint c = state.checkpoint("alpha/redis-1").orElseThrow();
        ReplicationId id = new ReplicationId("8a1b2c3d4e5f60718293a4b5c6d7e8f901234567");
        assertEquals(new Checkpoint(1, "alpha/redis-1", Checkpoint.Phase.STREAMING, id, 1_200, 1_100, 3,
                "2026-12-01T10:00:00Z", 1_300), c);
        assertTrue(c.resumable());
        assertEquals(new StreamPosition(id, 1_100, 3), c.resumePosition());
        state.save(c);
        assertEquals(OLD_CHECKPOINT, Files.readString(state.checkpointFile("alpha/redis-1"), StandardCharsets.UTF_8));
    }

    @Test
    void aCheckpointWithoutAReplicationIdReadsAsNoneAndIsNotResumable() throws Exception {
        StateDirectory state = StateDirectory.open(dir, RUN);
        Files.writeString(state.checkpointFile("alpha/redis-1"), OLD_CHECKPOINT.replace(
                "8a1b2c3d4e5f60718293a4b5c6d7e8f901234567", "?"), StandardCharsets.UTF_8);
        Checkpoint c = state.checkpoint("alpha/redis-1").orElseThrow();
        assertEquals(ReplicationId.NONE, c.replid());
        assertFalse(c.resumable());
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
        state.save(new Checkpoint(99, "alpha/redis-1", Checkpoint.Phase.STREAMING, ReplicationId.NONE, 0, 0, 0, "2026-01-01T00:00:00Z", 0));
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
