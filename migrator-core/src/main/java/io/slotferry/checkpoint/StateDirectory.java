package io.slotferry.checkpoint;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.slotferry.replication.OwnerOnly;
import io.slotferry.replication.ReplicationId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The state directory of a run: {@code run.json} (which sources and target it belongs to) and one
 * {@code checkpoint-NAME.json} per source instance. Every file is written whole to a temporary file,
 * forced to disk, and renamed over the old one, so a crash at any moment leaves either the previous
 * record or the new one, never a torn one.
 */
public final class StateDirectory {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addMixIn(ReplicationId.class, ReplicationIdAsText.class)
            .build();

    /** A replication id is its text in the files ({@code "replid": "8a1b...", or "?"}), as records always had it. */
    private abstract static class ReplicationIdAsText {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        ReplicationIdAsText(String value) {
        }

        @JsonValue
        abstract String value();
    }

    private final Path dir;

    private StateDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * Opens (creating it when needed) the state directory of a run over {@code identity}: refuses a
     * directory written for other sources or another target, whose checkpoints would resume the wrong streams.
     */
    public static StateDirectory open(Path dir, RunIdentity identity) throws IOException {
        create(dir);
        StateDirectory state = new StateDirectory(dir);
        Path run = dir.resolve("run.json");
        if (Files.exists(run)) {
            RunIdentity before = state.read(run, RunIdentity.class);
            if (!before.equals(identity)) {
                throw new CheckpointException("state directory " + dir + " belongs to another run (sources " + before.sources()
                        + ", target " + before.target() + "); this run has sources " + identity.sources() + ", target "
                        + identity.target() + ": use another --state-dir, or delete this one to start over");
            }
        } else {
            writeAtomically(run, identity);
        }
        return state;
    }

    /**
     * Creates {@code dir} owner-only (0700) when missing; says why when it cannot be (a file in the way,
     * no permission to create it).
     */
    static void create(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CheckpointException("state directory " + dir + " is not a directory: choose another --state-dir");
        }
        try {
            OwnerOnly.directory(dir);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new CheckpointException("cannot create state directory " + dir + ": permission denied"
                    + " (choose a --state-dir this user may write to)", e);
        } catch (IOException e) {
            throw new CheckpointException("cannot create state directory " + dir + ": " + describe(e), e);
        }
        if (!Files.isWritable(dir)) {
            throw new CheckpointException("state directory " + dir + " is not writable by this user: choose another --state-dir");
        }
    }

    /** True when the directory lets group or others in (it holds snapshots and the stream: it should be 0700). */
    public boolean widerThanOwner() throws IOException {
        return OwnerOnly.widerThanOwner(dir);
    }

    /** An I/O failure in words: the JDK's messages are often just a path. */
    static String describe(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "a directory on the path does not exist";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Opens an existing state directory to read it ({@code migrate status}). */
    public static StateDirectory existing(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve("run.json"))) {
            throw new CheckpointException(dir + " is not a state directory of 'migrate run' (it has no run.json)");
        }
        return new StateDirectory(dir);
    }

    public Path path() {
        return dir;
    }

    /** The sources and target this directory was written for. */
    public RunIdentity identity() throws IOException {
        return read(dir.resolve("run.json"), RunIdentity.class);
    }

    /** The last checkpoint of {@code source}, if one was written. */
    public Optional<Checkpoint> checkpoint(String source) throws IOException {
        Path file = checkpointFile(source);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Checkpoint c = read(file, Checkpoint.class);
        if (c.formatVersion() != Checkpoint.FORMAT_VERSION) {
            throw new CheckpointException(file + " has checkpoint format " + c.formatVersion() + "; this build reads format "
                    + Checkpoint.FORMAT_VERSION);
        }
        return Optional.of(c);
    }

    /** Replaces the checkpoint of its source, atomically. */
    public void save(Checkpoint checkpoint) throws IOException {
        writeAtomically(checkpointFile(checkpoint.source()), checkpoint);
    }

    /** The file a source's checkpoint lives in: its name with anything but letters, digits, '.', '-' and '_' made '_'. */
    public Path checkpointFile(String source) {
        return dir.resolve("checkpoint-" + fileName(source) + ".json");
    }

    /** Set by {@code migrate finish}: the migration this directory belongs to is over. */
    public Optional<Finished> finished() throws IOException {
        Path file = dir.resolve("finished.json");
        return Files.exists(file) ? Optional.of(read(file, Finished.class)) : Optional.empty();
    }

    /** Records that the migration is over ({@code migrate finish}). */
    public void markFinished(Finished finished) throws IOException {
        writeAtomically(dir.resolve("finished.json"), finished);
    }

    /** Opens a finished directory for another run (the operator said so): forgets that it was finished. */
    public void reopen() throws IOException {
        Files.deleteIfExists(dir.resolve("finished.json"));
    }

    /** The last status of the run, replaced every interval ({@code migrate status} reads it). */
    public Path statusFile() {
        return dir.resolve("status.json");
    }

    /** A working directory of one source (its replication spool). */
    public Path workDirectory(String source) throws IOException {
        return OwnerOnly.directory(dir.resolve("work-" + fileName(source)));
    }

    /** Writes {@code value} as JSON to {@code file}: temporary file, fsync, rename. */
    public static void writeAtomically(Path file, Object value) throws IOException {
        write(file, value, true);
    }

    /**
     * Replaces a status file with {@code value} as JSON: temporary file and rename, as {@link #writeAtomically},
     * so a reader sees the old status or the new one, but not forced to disk: a status is renewed every
     * interval and promises nothing after a crash, and an fsync per status (tens of them a second with
     * {@code --progress-interval 100ms}) delayed the checkpoints' own fsyncs on a busy disk.
     */
    public static void replaceStatus(Path file, Object value) throws IOException {
        write(file, value, false);
    }

    private static void write(Path file, Object value, boolean force) throws IOException {
        byte[] bytes;
        try {
            bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serializable: " + value.getClass(), e);
        }
        Path parent = file.toAbsolutePath().getParent();
        Path temp = parent.resolve("." + file.getFileName() + ".tmp");
        try (FileChannel ch = OwnerOnly.channel(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (force) {
                ch.force(true);
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot write " + file + ": " + describe(e), e);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + temp + " over " + file + " atomically on this file system", e);
        } catch (IOException e) {
            throw new CheckpointException("cannot replace " + file + " with " + temp + ": " + describe(e), e);
        }
    }

    /** The JSON mapping used for every file of the state directory (records, snake_case names). */
    public static ObjectMapper json() {
        return JSON;
    }

    private <T> T read(Path file, Class<T> type) throws IOException {
        try {
            return JSON.readValue(Files.readAllBytes(file), type);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String fileName(String source) {
        return source.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Checkpoint files present (for {@code migrate status}), sorted. */
    public List<Path> checkpointFiles() throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("checkpoint-") && p.toString().endsWith(".json"))
                    .sorted().toList();
        }
    }
}
