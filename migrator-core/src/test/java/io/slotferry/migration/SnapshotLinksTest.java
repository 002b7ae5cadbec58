package io.slotferry.migration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.slotferry.load.LoadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotLinksTest {
    @TempDir
    Path dir;

    private List<Path> links() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith("loading-")).toList();
        }
    }

    @Test
    void aLoadsFileOutlivesTheSpoolsNameUntilItsStreamIsCheckpointed() throws Exception {
        byte[] rdb = new byte[4096];
        new Random(7).nextBytes(rdb);
        Path spooled = Files.write(dir.resolve("snapshot-1.rdb"), rdb);
        SnapshotLinks links = new SnapshotLinks("redis://source", dir);
        links.loading(spooled);
        Files.delete(spooled); // the spool drops its name once the load read it, or on close
        assertEquals(1, links().size());
        assertArrayEquals(rdb, Files.readAllBytes(links().get(0)), "the link holds the whole file");
        links.streamCheckpointed();
        assertEquals(List.of(), links());
    }

    @Test
    void undoingWithNothingCutOpensNoWriter() throws Exception {
        new SnapshotLinks("redis://source", dir).undoCutLoads(LoadOptions.defaults(), () -> {
            throw new AssertionError("no cut load: the target is not touched");
        });
    }

    @Test
    void underOnExistingSkipACutLoadsFileIsDroppedWithoutTouchingTheTarget() throws Exception {
        SnapshotLinks links = new SnapshotLinks("redis://source", dir);
        links.loading(Files.write(dir.resolve("snapshot-1.rdb"), new byte[] {1, 2, 3}));
        links.undoCutLoads(LoadOptions.defaults().withReplaceExisting(false), () -> {
            throw new AssertionError("skip: the target's keys of the same names cannot be told apart");
        });
        assertEquals(List.of(), links());
    }
}
