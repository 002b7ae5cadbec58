package io.slotferry.migration;

import io.slotferry.load.InterruptedLoad;
import io.slotferry.load.LoadOptions;
import io.slotferry.write.ClusterWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The snapshot files a source's loads read, linked into its work directory ({@code loading-N.rdb}, a hard
 * link: the spool may delete its own name) from the moment a load starts until the stream after it is
 * checkpointed. A link still there names a load that was cut short (the process killed or stopped, or the
 * transfer superseded): the target may hold part of that snapshot, and keys the source deleted or renamed
 * before the next snapshot would stay. Before the next load, {@link #undoCutLoads} deletes every key such a
 * file names ({@link InterruptedLoad}); the new snapshot writes again those the source still has.
 */
final class SnapshotLinks {
    private static final Logger LOG = Logger.getLogger(SnapshotLinks.class.getName());
    private static final String PREFIX = "loading-";
    private static final String SUFFIX = ".rdb";

    private final String source;
    private final Path dir;

    SnapshotLinks(String source, Path workDirectory) {
        this.source = source;
        this.dir = workDirectory;
    }

    /** A load of {@code rdb} starts: linked until {@link #streamCheckpointed}. */
    void loading(Path rdb) throws IOException {
        Path link = dir.resolve(PREFIX + (System.nanoTime() & Long.MAX_VALUE) + SUFFIX);
        try {
            Files.createLink(link, rdb);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(Level.WARNING, "{0}: cannot link {1} as {2} ({3}): if this load is cut short, keys the source deletes"
                    + " before the next snapshot may stay on the target (migrate verify finds them)",
                    new Object[] {source, rdb.getFileName(), link.getFileName(), e.toString()});
        }
    }

    /** The stream after the load is checkpointed: no load is cut any more. */
    void streamCheckpointed() throws IOException {
        for (Path f : links()) {
            Files.deleteIfExists(f);
        }
    }

    /**
     * Deletes from the target the keys of every cut load's file, then the file (under {@code --on-existing skip},
     * where the target's own keys of the same names cannot be told apart, only the file, with a warning).
     * {@code writer} opens the writer the deletes go through.
     */
    void undoCutLoads(LoadOptions options, Callable<ClusterWriter> writer) throws Exception {
        List<Path> cut = links();
        if (cut.isEmpty()) {
            return;
        }
        if (!options.replaceExisting()) {
            LOG.log(Level.WARNING, "{0}: a load was cut short; under --on-existing skip the keys it wrote stay, also those"
                    + " the source deleted since (migrate verify --repair finds them)", source);
        } else {
            try (ClusterWriter w = writer.call()) {
                for (Path f : cut) {
                    long deleted = InterruptedLoad.deleteKeysOf(f, w, options);
                    LOG.log(Level.INFO, "{0}: a load was cut short: deleted the {1} key(s) of its snapshot before loading"
                            + " a new one", new Object[] {source, deleted});
                    Files.deleteIfExists(f); // done: a stop after this point has nothing more to delete
                }
            }
        }
        streamCheckpointed();
    }

    private List<Path> links() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> {
                String n = f.getFileName().toString();
                return n.startsWith(PREFIX) && n.endsWith(SUFFIX);
            }).sorted().toList();
        }
    }
}
