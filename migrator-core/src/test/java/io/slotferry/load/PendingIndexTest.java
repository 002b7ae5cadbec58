package io.slotferry.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.rdb.StreamId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PEL index keeps a bounded number of entries in memory and the rest in a file it deletes. */
class PendingIndexTest {
    @TempDir
    Path dir;

    @Test
    void entriesBeyondTheMemoryBoundSpillToAFileAndAreFoundLikeTheOthers() throws Exception {
        try (PendingIndex pel = new PendingIndex(5, dir)) {
            for (int g = 0; g < 3; g++) {
                pel.startGroup();
                for (int i = 0; i < 4; i++) {
                    pel.add(new StreamId(10 + i, g), 1000L * g + i, i + 1);
                }
            }
            assertTrue(pel.spilled());
            assertEquals(12, pel.size());
            for (int g = 0; g < 3; g++) {
                assertEquals(4L * g, pel.groupStart(g));
                assertEquals(4L * g + 4, pel.groupEnd(g));
                for (int i = 0; i < 4; i++) {
                    long at = pel.find(g, new StreamId(10 + i, g), -1);
                    assertEquals(4L * g + i, at, "group " + g + " entry " + i);
                    assertEquals(1000L * g + i, pel.deliveryTime(at));
                    assertEquals(i + 1, pel.deliveryCount(at));
                }
                assertEquals(-1, pel.find(g, new StreamId(99, g), -1));
                assertEquals(-1, pel.find(g, new StreamId(10, g + 1), -1), "another group's ID is not found");
            }
            pel.markGhost(2);
            pel.markGhost(9);
            assertTrue(pel.ghost(2) && pel.ghost(9), "marks in memory and in the file");
            assertFalse(pel.ghost(3) || pel.ghost(8));
            assertEquals(3, pel.deliveryCount(2), "the mark does not change the count");
            assertEquals(2, pel.deliveryCount(9));
        }
        assertEquals(0, fileCount(), "the spill file is deleted on close");
    }

    @Test
    void aSmallPelStaysInMemory() throws Exception {
        try (PendingIndex pel = new PendingIndex(100, dir)) {
            pel.startGroup();
            pel.add(new StreamId(1, 1), 5, 1);
            assertFalse(pel.spilled());
            assertEquals(0, pel.find(0, new StreamId(1, 1), 0));
        }
        assertEquals(0, fileCount());
    }

    private long fileCount() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
