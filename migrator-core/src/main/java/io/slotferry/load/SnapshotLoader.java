package io.slotferry.load;

import io.slotferry.rdb.ChecksumStatus;
import io.slotferry.rdb.DumpPayload;
import io.slotferry.rdb.KeyHeader;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbFormatException;
import io.slotferry.rdb.RdbOptions;
import io.slotferry.rdb.RdbReader;
import io.slotferry.rdb.ValueType;
import io.slotferry.routing.HashSlot;
import io.slotferry.translate.ExpiryGrace;
import io.slotferry.write.DataErrorPolicy;
import io.slotferry.write.Write;
import io.slotferry.write.WriteSink;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Loads a plain (uncompressed) RDB file into a {@link WriteSink}: the snapshot phase of a migration.
 *
 * <p>The file is read once in raw mode. Per key, in file order:
 * <ul>
 *   <li>a key the {@link KeyMapping} skips, the {@link LoadOptions#filter()} leaves out, or whose expiry has passed,
 *       is counted and never written;</li>
 *   <li>in {@link LoadMode#RESTORE} mode, a value of at most {@link LoadOptions#bigValueBytes()} whose type
 *       the target knows ({@link TargetCapabilities#restoreVersion}) is one {@code RESTORE ... REPLACE ABSTTL}
 *       of its raw bytes ({@link RestorePayload});</li>
 *   <li>any other value is decoded (from memory, or for a big value from the file again at its offset,
 *       which is why this takes a seekable file) and written as chunked native commands: the first write
 *       starts with {@code DEL}, the last carries the {@code PEXPIREAT} ({@link KeyWrites}).</li>
 * </ul>
 * Every write carries the key's RDB offset as its source offset. A key that cannot be written faithfully
 * (a module value on the rewrite path, hash field TTLs on a target without them, ...) is a data error:
 * counted and reported in {@link LoadStats}, and under {@link DataErrorPolicy#STOP} it ends the load with a
 * {@link LoadException}. Cached scripts ({@code lua} AUX), function libraries and module AUX data are
 * counted, not loaded.
 *
 * <p>Memory: one raw value of at most {@code bigValueBytes}, or two decoded chunks of one key, plus a
 * stream's PEL index up to {@link LoadOptions#pendingEntriesInMemory()} entries, plus the RESTOREs of up to 64
 * consecutive keys held to be stamped together ({@link RestoreBatch}: at most 256 KiB and one more value).
 */
public final class SnapshotLoader {
    private static final Logger LOG = Logger.getLogger(SnapshotLoader.class.getName());
    private static final byte[] LUA = "lua".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final WriteSink sink;
    private final TargetCapabilities target;
    private final LoadOptions options;
    private final ExpiryGrace grace;
    private final LoadStats stats;
    private final RdbOptions decoded;
    private FileChannel values;
    private ScriptListener scripts = ScriptListener.NONE;
    private int version;
    private boolean valkeySource;
    /** Values come framed as DUMP payloads (read from a file here), not as bare bytes (captured values). */
    private boolean framed;
    /** RESTOREs read, not stamped and submitted yet (a file's keys only). */
    private final RestoreBatch restores = new RestoreBatch();

    private SnapshotLoader(Path file, WriteSink sink, TargetCapabilities target, LoadOptions options, LoadStats stats) {
        this.file = file;
        this.sink = sink;
        this.target = target;
        this.options = options;
        this.grace = new ExpiryGrace(options.ttlGraceMillis());
        this.stats = stats;
        this.decoded = RdbOptions.decoded().withChunks(options.chunkElements(), options.chunkBytes());
    }

    /**
     * Loads {@code rdbFile} and waits until the sink acknowledged every write ({@link WriteSink#drain()}).
     * {@code stats} should also be the sink's {@link io.slotferry.write.WriteListener}, or "written" stays 0.
     *
     * @throws RdbFormatException the file is not a valid RDB (keys before the error were submitted)
     * @throws LoadException      a data error under {@link DataErrorPolicy#STOP}
     * @throws io.slotferry.write.WriteException the writer stopped
     */
    public static LoadSummary load(Path rdbFile, WriteSink sink, TargetCapabilities target, LoadOptions options,
                                   LoadStats stats) throws IOException, InterruptedException {
        return load(rdbFile, sink, target, options, stats, ScriptListener.NONE);
    }

    /** Like {@link #load(Path, WriteSink, TargetCapabilities, LoadOptions, LoadStats)}, telling {@code scripts} about cached scripts and function libraries. */
    public static LoadSummary load(Path rdbFile, WriteSink sink, TargetCapabilities target, LoadOptions options,
                                   LoadStats stats, ScriptListener scripts) throws IOException, InterruptedException {
        return load(rdbFile, Files.newInputStream(rdbFile), Files.size(rdbFile), sink, target, options, stats, scripts);
    }

    /**
     * Like {@link #load(Path, WriteSink, TargetCapabilities, LoadOptions, LoadStats, ScriptListener)}, reading
     * the RDB from {@code contents} (closed at the end): the bytes of {@code rdbFile}, which may still be
     * arriving, e.g. a full sync's snapshot read while the master sends it. The file itself is only read
     * again at offsets {@code contents} has passed (big values). {@code totalBytes} is -1 when not known yet.
     */
    public static LoadSummary load(Path rdbFile, InputStream contents, long totalBytes, WriteSink sink,
                                   TargetCapabilities target, LoadOptions options, LoadStats stats, ScriptListener scripts)
            throws IOException, InterruptedException {
        SnapshotLoader loader = new SnapshotLoader(rdbFile, sink, target, options, stats);
        loader.scripts = scripts;
        try (InputStream in = contents) {
            stats.totalBytes(totalBytes);
            return loader.run(in);
        } finally {
            if (loader.values != null) {
                loader.values.close();
            }
        }
    }

    /**
     * A loader of values that arrive one at a time instead of from a file: the {@code DUMP} payloads of a
     * {@code SCAN} walk ({@link io.slotferry.replication.scan.ScanSource}). Each goes through {@link #value} exactly
     * as a key of a file does (key mapping, filters, passed expiry, RESTORE or rewrite); every value must be
     * captured, as there is no file to read a big one from again.
     *
     * @param rdbVersion the RDB version the values are serialized with (a DUMP payload's trailer); 80 and up is Valkey's
     */
    public static SnapshotLoader ofCapturedValues(WriteSink sink, TargetCapabilities target, LoadOptions options,
                                                  LoadStats stats, int rdbVersion) {
        SnapshotLoader loader = new SnapshotLoader(null, sink, target, options, stats);
        loader.version = rdbVersion;
        loader.valkeySource = rdbVersion >= 80;
        return loader;
    }

    /** Loads one captured value of a loader made by {@link #ofCapturedValues}. */
    public void value(RdbEvent.RawValue v) throws IOException, InterruptedException {
        if (!v.captured() || file != null) {
            throw new IllegalArgumentException("only a loader of captured values takes them one at a time");
        }
        key(v);
    }

    private LoadSummary run(InputStream in) throws IOException, InterruptedException {
        // Raw values are kept up to the big-value size in both modes: the rewrite path decodes them from
        // memory instead of reading the file again. Blobs are validated only where they go to RESTORE as is.
        // Framed as DUMP payloads, so that a RESTORE stamps the value where it was read instead of copying it.
        RdbOptions raw = RdbOptions.raw().withMaxRawValueBytes(options.bigValueBytes())
                .withValidateBlobs(options.mode() == LoadMode.RESTORE).withDumpFrames(true);
        framed = true;
        ChecksumStatus checksum = null;
        try (RdbReader reader = RdbReader.open(in, raw)) {
            RdbEvent e;
            while ((e = next(reader)) != null) {
                if (e instanceof RdbEvent.RawValue v) {
                    key(v);
                } else if (e instanceof RdbEvent.Header h) {
                    version = h.version();
                    valkeySource = h.magic().equals("VALKEY");
                } else if (e instanceof RdbEvent.Aux a && Arrays.equals(a.name(), LUA)) {
                    stats.script();
                    scripts.luaScript(a.value());
                } else if (e instanceof RdbEvent.FunctionLibrary f) {
                    stats.functionLibrary();
                    scripts.functionLibrary(f.code());
                } else if (e instanceof RdbEvent.ModuleAux m) {
                    stats.moduleAux();
                    LOG.log(Level.WARNING, "module AUX data of module {0} (encoding version {1}) is not loaded",
                            new Object[] {m.module().name(), m.module().encodingVersion()});
                } else if (e instanceof RdbEvent.End end) {
                    checksum = end.checksum();
                }
                stats.bytesRead(reader.offset());
            }
            if (stats.snapshot().totalBytes() < 0) {
                stats.totalBytes(reader.offset()); // read while it arrived: its size is known now
            }
        }
        submitRestores();
        sink.drain();
        LoadStats.Snapshot counts = stats.snapshot();
        if (counts.scripts() + counts.functionLibraries() > 0) {
            LOG.log(Level.INFO, "{0}: {1} cached script(s) and {2} function librar(ies) were counted, not loaded",
                    new Object[] {file.getFileName(), counts.scripts(), counts.functionLibraries()});
        }
        return new LoadSummary(version, checksum, counts);
    }

    /** The reader's next event; before an error in the file, the keys read until then are submitted. */
    private RdbEvent next(RdbReader reader) throws IOException, InterruptedException {
        try {
            return reader.next();
        } catch (IOException | RuntimeException e) {
            try {
                submitRestores();
            } catch (IOException | RuntimeException | InterruptedException f) {
                e.addSuppressed(f);
            }
            throw e;
        }
    }

    private void key(RdbEvent.RawValue v) throws IOException, InterruptedException {
        stats.keyRead();
        KeyHeader h = v.key();
        byte[] key = options.keyMapping().targetKey(h.db(), h.key());
        if (key == null) {
            stats.skippedOtherDb();
            return;
        }
        if (!options.filter().keepsSnapshotKey(h.key(), h.type().valueType())) {
            return; // counted by the filter
        }
        long now = options.clock().millis();
        if (h.hasExpire() && h.expireAtMs() <= now) {
            stats.skippedExpired();
            return;
        }
        if (options.mode() == LoadMode.RESTORE && v.captured()) {
            int stamp = target.restoreVersion(h.type(), version, valkeySource);
            if (stamp >= 0) {
                long expireAt = grace.hold(h.expireAtMs(), now);
                if (framed) {
                    restores.add(key, v.value(), stamp, expireAt, h.offset());
                    if (restores.full()) {
                        submitRestores();
                    }
                    return;
                }
                submit(key, RestorePayload.of(h.type(), v.value(), stamp), expireAt, h.offset());
                return;
            }
        }
        submitRestores(); // the file's order: the RESTOREs read before this key first
        rewrite(v, key, now);
    }

    /** Stamps the held RESTOREs, then submits them in the file's order ({@link RestoreBatch}: why in two runs). */
    private void submitRestores() throws IOException, InterruptedException {
        restores.stamp();
        for (int i = 0, n = restores.size(); i < n; i++) {
            submit(restores.key(i), restores.payload(i), restores.expireAt(i), restores.offset(i));
        }
        restores.clear();
    }

    private void submit(byte[] key, RestorePayload payload, long expireAt, long offset) throws IOException, InterruptedException {
        sink.submit(new Write(HashSlot.of(key), key, payload.commands(key, expireAt, target, options.replaceExisting()),
                offset, null, 1));
        stats.restored();
    }

    private void rewrite(RdbEvent.RawValue v, byte[] key, long now) throws IOException, InterruptedException {
        KeyHeader h = v.key();
        KeyWrites writes = new KeyWrites(sink, key, h.offset());
        try {
            if (h.type().valueType() == ValueType.STREAM) {
                if (!target.streams()) {
                    throw new DataError("the target (" + target + ") has no streams");
                }
                // First pass: the group PELs, needed before the entries are written (see StreamRewriter).
                try (PendingIndex pel = PendingIndex.of(openValue(v), options.pendingEntriesInMemory(),
                        options.spillDirectory())) {
                    replay(v, new StreamRewriter(writes, key, target, pel));
                }
            } else {
                replay(v, new ValueRewriter(writes, key, target, now));
            }
            writes.finish(grace.hold(h.expireAtMs(), now));
            stats.rewritten();
        } catch (DataError e) {
            writes.abandon();
            dataError(key, h, e.getMessage());
        }
    }

    private void replay(RdbEvent.RawValue v, Rewriter rewriter) throws DataError, IOException, InterruptedException {
        try (RdbReader reader = openValue(v)) {
            RdbEvent e;
            while ((e = reader.next()) != null) {
                if (!(e instanceof RdbEvent.KeyBegin) && !(e instanceof RdbEvent.KeyEnd)) {
                    rewriter.accept(e);
                }
            }
            long end = v.valueOffset() + v.valueLength();
            if (reader.offset() != end) {
                throw new RdbFormatException(reader.offset(), "the end of the value located at " + v.valueOffset()
                        + " in raw mode (" + end + ")", "but decoding it ended here");
            }
        }
        rewriter.end();
    }

    /** A decoded reader of one value: from its captured bytes, or from the file at its offset. */
    private RdbReader openValue(RdbEvent.RawValue v) throws IOException {
        InputStream in;
        if (v.captured()) {
            byte[] b = v.value();
            in = framed ? new ByteArrayInputStream(b, 1, b.length - 1 - DumpPayload.TRAILER) : new ByteArrayInputStream(b);
        } else {
            if (values == null) {
                values = FileChannel.open(file, StandardOpenOption.READ);
            }
            in = new FileSlice(values, v.valueOffset(), v.valueLength());
        }
        return RdbReader.value(in, v.key(), v.valueOffset(), version, decoded);
    }

    private void dataError(byte[] key, KeyHeader h, String why) throws LoadException {
        String message = "key " + LoadStats.printable(key) + " (db " + h.db() + ", RDB offset " + h.offset() + ", type "
                + h.type() + ") was not loaded: " + why;
        stats.failure(key, why);
        LOG.warning(message);
        if (options.onDataError() == DataErrorPolicy.STOP) {
            throw new LoadException(message);
        }
    }
}
