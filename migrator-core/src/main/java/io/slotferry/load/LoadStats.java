package io.slotferry.load;

import io.slotferry.write.Write;
import io.slotferry.write.WriteListener;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Progress and outcome counters of a snapshot load, safe to read from another thread (progress
 * printing) while the loader and the writer's threads update them.
 *
 * <p>It is also the {@link WriteListener} to give the writer: "written" counts keys the target
 * acknowledged, not keys submitted, and writes the target refuses count as failed keys.
 */
public final class LoadStats implements WriteListener {
    /** Most recent failure messages kept for the report; older ones are only counted. */
    private static final int FAILURES_KEPT = 100;

    private final LongAdder keysRead = new LongAdder();
    private final LongAdder keysWritten = new LongAdder();
    private final LongAdder restored = new LongAdder();
    private final LongAdder rewritten = new LongAdder();
    private final LongAdder skippedExpired = new LongAdder();
    private final LongAdder skippedOtherDb = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder skippedExisting = new LongAdder();
    private final LongAdder scripts = new LongAdder();
    private final LongAdder functionLibraries = new LongAdder();
    private final LongAdder moduleAux = new LongAdder();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong totalBytes = new AtomicLong(-1);
    private final Deque<String> failures = new ArrayDeque<>();

    /**
     * The counters at one moment.
     *
     * @param keysRead          keys met in the snapshot
     * @param keysWritten       keys whose last write the target acknowledged
     * @param restored          keys submitted as one RESTORE
     * @param rewritten         keys submitted as native commands
     * @param skippedExpired    keys whose expiry had passed (never written)
     * @param skippedOtherDb    keys the {@link KeyMapping} skipped
     * @param failed            data errors: keys the loader could not write faithfully, plus writes the target
     *                          refused (under SKIP, a key of several writes whose middle write was refused counts
     *                          here and, once its last write is acknowledged, in keysWritten too)
     * @param scripts           {@code lua} AUX fields (cached scripts, 4.0-6.2 replication payloads)
     * @param functionLibraries function libraries (7.0+)
     * @param moduleAux         module AUX records (module-global data, not loaded)
     * @param bytesRead         RDB bytes parsed so far
     * @param totalBytes        RDB file size, -1 before the load starts
     * @param skippedExisting   keys already on the target, left alone ({@code --on-existing skip})
     */
    public record Snapshot(long keysRead, long keysWritten, long restored, long rewritten, long skippedExpired,
                           long skippedOtherDb, long failed, long scripts, long functionLibraries, long moduleAux,
                           long bytesRead, long totalBytes, long skippedExisting) {
    }

    public Snapshot snapshot() {
        return new Snapshot(keysRead.sum(), keysWritten.sum(), restored.sum(), rewritten.sum(), skippedExpired.sum(),
                skippedOtherDb.sum(), failed.sum(), scripts.sum(), functionLibraries.sum(), moduleAux.sum(),
                bytesRead.get(), totalBytes.get(), skippedExisting.sum());
    }

    /** The last (up to 100) failures, oldest first: the key and why. */
    public List<String> recentFailures() {
        synchronized (failures) {
            return new ArrayList<>(failures);
        }
    }

    @Override
    public void acknowledged(Write write) {
        keysWritten.add(write.completesKeys());
    }

    /** A RESTORE without REPLACE (--on-existing skip) that met an existing key: skipped, not failed. */
    @Override
    public boolean expected(Write write, String reply) {
        boolean busy = reply.startsWith("BUSYKEY") || reply.contains("Target key name is busy");
        if (!busy || write.commands().isEmpty()) {
            return false;
        }
        List<byte[]> first = write.commands().get(0);
        if (first.isEmpty() || !new String(first.get(0), java.nio.charset.StandardCharsets.US_ASCII).equalsIgnoreCase("RESTORE")) {
            return false;
        }
        for (byte[] arg : first) {
            if (new String(arg, java.nio.charset.StandardCharsets.US_ASCII).equalsIgnoreCase("REPLACE")) {
                return false;
            }
        }
        skippedExisting.increment();
        return true;
    }

    @Override
    public void refused(Write write, String reply) {
        failure(write.key(), "the target refused it: " + reply);
    }

    void failure(byte[] key, String why) {
        failed.increment();
        synchronized (failures) {
            if (failures.size() == FAILURES_KEPT) {
                failures.removeFirst();
            }
            failures.addLast(printable(key) + ": " + why);
        }
    }

    void keyRead() {
        keysRead.increment();
    }

    void restored() {
        restored.increment();
    }

    void rewritten() {
        rewritten.increment();
    }

    void skippedExpired() {
        skippedExpired.increment();
    }

    void skippedOtherDb() {
        skippedOtherDb.increment();
    }

    void script() {
        scripts.increment();
    }

    void functionLibrary() {
        functionLibraries.increment();
    }

    void moduleAux() {
        moduleAux.increment();
    }

    void bytesRead(long offset) {
        bytesRead.set(offset);
    }

    void totalBytes(long size) {
        totalBytes.set(size);
    }

    /** A key for messages ({@link io.slotferry.resp.KeyText#printable}). */
    public static String printable(byte[] key) {
        return io.slotferry.resp.KeyText.printable(key, '\'');
    }
}
