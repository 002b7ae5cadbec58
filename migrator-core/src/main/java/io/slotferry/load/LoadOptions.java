package io.slotferry.load;

import io.slotferry.filter.KeyFilter;
import io.slotferry.write.DataErrorPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * How a snapshot is loaded.
 *
 * @param mode                   RESTORE when possible (default), or always rewrite
 * @param bigValueBytes          values whose serialized form is larger take the rewrite path (bounded
 *                               memory, and no multi-second RESTORE blocking a target shard)
 * @param chunkElements          rewrite path: most elements in one command
 * @param chunkBytes             rewrite path: a command is closed once it holds about this many bytes
 * @param keyMapping             which keys are loaded and under which name (default: database 0 as is)
 * @param clock                  "now" for keys and hash fields whose expiry has passed
 * @param onDataError            what a key that cannot be written faithfully does: stop the load, or
 *                               count it and go on
 * @param pendingEntriesInMemory rewrite path of streams: PEL entries (32 bytes each) held in memory before
 *                               the rest spills to a temporary file
 * @param spillDirectory         where that file goes
 * @param ttlGraceMillis         every expiry is written this much later than the source's while the migration runs
 *                               ({@link io.slotferry.translate.ExpiryGrace}; {@code migrate finish} makes them exact)
 * @param replaceExisting        RESTORE with REPLACE (a key already on the target is overwritten); false: without,
 *                               and the target's BUSYKEY counts as skipped ({@code --on-existing skip}); keys
 *                               written by native commands (the rewrite path) replace either way
 * @param filter                 which keys are copied ({@code --include}, {@code --exclude}, {@code --types}); it counts
 *                               the keys it leaves out
 */
public record LoadOptions(LoadMode mode, long bigValueBytes, int chunkElements, int chunkBytes, KeyMapping keyMapping,
                          Clock clock, DataErrorPolicy onDataError, int pendingEntriesInMemory, Path spillDirectory,
                          long ttlGraceMillis, boolean replaceExisting, KeyFilter filter) {

    public LoadOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(keyMapping, "keyMapping");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(onDataError, "onDataError");
        Objects.requireNonNull(spillDirectory, "spillDirectory");
        Objects.requireNonNull(filter, "filter");
        if (bigValueBytes < 0 || chunkElements < 1 || chunkBytes < 1 || pendingEntriesInMemory < 1 || ttlGraceMillis < 0) {
            throw new IllegalArgumentException("sizes must be positive");
        }
    }

    /** RESTORE when possible, 8 MiB big values, chunks of 1024 elements / 1 MiB, database 0, stop on data errors. */
    public static LoadOptions defaults() {
        return new LoadOptions(LoadMode.RESTORE, 8L << 20, 1024, 1 << 20, KeyMapping.onlyDatabase(0), Clock.systemUTC(),
                DataErrorPolicy.STOP, 1 << 18, Path.of(System.getProperty("java.io.tmpdir")), 0, true,
                KeyFilter.NONE);
    }

    public LoadOptions withMode(LoadMode m) {
        return new LoadOptions(m, bigValueBytes, chunkElements, chunkBytes, keyMapping, clock, onDataError,
                pendingEntriesInMemory, spillDirectory, ttlGraceMillis, replaceExisting, filter);
    }

    public LoadOptions withBigValueBytes(long bytes) {
        return new LoadOptions(mode, bytes, chunkElements, chunkBytes, keyMapping, clock, onDataError,
                pendingEntriesInMemory, spillDirectory, ttlGraceMillis, replaceExisting, filter);
    }

    public LoadOptions withChunks(int elements, int bytes) {
        return new LoadOptions(mode, bigValueBytes, elements, bytes, keyMapping, clock, onDataError,
                pendingEntriesInMemory, spillDirectory, ttlGraceMillis, replaceExisting, filter);
    }

    public LoadOptions withKeyMapping(KeyMapping mapping) {
        return new LoadOptions(mode, bigValueBytes, chunkElements, chunkBytes, mapping, clock, onDataError,
                pendingEntriesInMemory, spillDirectory, ttlGraceMillis, replaceExisting, filter);
    }

    public LoadOptions withClock(Clock c) {
        return new LoadOptions(mode, bigValueBytes, chunkElements, chunkBytes, keyMapping, c, onDataError,
                pendingEntriesInMemory, spillDirectory, ttlGraceMillis, replaceExisting, filter);
    }

    public LoadOptions withDataErrorPolicy(DataErrorPolicy policy) {
        return new LoadOptions(mode, bigValueBytes, chunkElements, chunkBytes, keyMapping, clock, policy,
                pendingEntriesInMemory, spillDirectory, ttlGraceMillis, replaceExisting, filter);
    }

    public LoadOptions withPendingEntriesInMemory(int entries, Path directory) {
        return new LoadOptions(mode, bigValueBytes, chunkElements, chunkBytes, keyMapping, clock, onDataError,
                entries, directory, ttlGraceMillis, replaceExisting, filter);
    }

    /** Expiries held {@code millis} past the source's (0: exact). */
    public LoadOptions withTtlGrace(long millis) {
        return new LoadOptions(mode, bigValueBytes, chunkElements, chunkBytes, keyMapping, clock, onDataError,
                pendingEntriesInMemory, spillDirectory, millis, replaceExisting, filter);
    }

    /** {@code false}: keys already on the target are left alone (RESTORE without REPLACE, BUSYKEY counted as skipped). */
    public LoadOptions withReplaceExisting(boolean replace) {
        return new LoadOptions(mode, bigValueBytes, chunkElements, chunkBytes, keyMapping, clock, onDataError,
                pendingEntriesInMemory, spillDirectory, ttlGraceMillis, replace, filter);
    }

    /** Only the keys {@code f} keeps are loaded (it counts the others). */
    public LoadOptions withFilter(KeyFilter f) {
        return new LoadOptions(mode, bigValueBytes, chunkElements, chunkBytes, keyMapping, clock, onDataError,
                pendingEntriesInMemory, spillDirectory, ttlGraceMillis, replaceExisting, f);
    }
}
