package io.slotferry.migration;

import io.slotferry.load.LoadStats;
import io.slotferry.metrics.Readiness;
import io.slotferry.metrics.RunStatus;
import io.slotferry.metrics.WorkerStatus;
import io.slotferry.source.SourceSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes a {@link RunStatus} of the workers: rates over the last interval, the sources' own offsets
 * (each polled on a separate connection by a thread of its own), lag, and cutover readiness. Used
 * by one thread.
 */
final class StatusSampler implements AutoCloseable {
    private final List<Worker> workers;
    private final List<SourceOffset> offsets = new ArrayList<>();
    private final long[] lastKeys;
    private final long[] lastBytes;
    private final long[] lastSourceOffset;
    /** Stream commands that change data, per worker, at the last sample (control commands such as PING left out). */
    private final long[] lastWrites;
    /** Since when (nanos) each worker has applied no write with lag 0; -1 while it has. */
    private final long[] quietSince;
    private final Readiness readiness = new Readiness();
    private long lastNanos = System.nanoTime();

    StatusSampler(List<Worker> workers, Duration timeout, Duration interval) {
        this.workers = workers;
        for (Worker w : workers) {
            offsets.add(w.source() instanceof SourceSpec.Live live ? new SourceOffset(live.name(), live.endpoint(), timeout, interval)
                    : null);
        }
        lastKeys = new long[workers.size()];
        lastBytes = new long[workers.size()];
        lastSourceOffset = new long[workers.size()];
        java.util.Arrays.fill(lastSourceOffset, -1);
        lastWrites = new long[workers.size()];
        quietSince = new long[workers.size()];
        java.util.Arrays.fill(quietSince, -1);
    }

    RunStatus sample() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        lastNanos = now;
        List<WorkerStatus> out = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            out.add(sample(i, seconds));
        }
        long caughtUp = readiness.observe(out, now);
        boolean safe = !out.isEmpty();
        for (int i = 0; i < out.size(); i++) {
            safe &= quietSince[i] >= 0 && now - quietSince[i] >= RunStatus.QUIET.toNanos();
        }
        return new RunStatus(Instant.now().toString(), Readiness.ready(caughtUp), caughtUp < 0 ? 0 : caughtUp / 1e9, out,
                safe && Readiness.ready(caughtUp));
    }

    /** Data-changing stream commands applied so far (every counter but control commands: PING, REPLCONF, SELECT). */
    private static long writes(java.util.Map<String, Long> stream) {
        long n = 0;
        for (java.util.Map.Entry<String, Long> e : stream.entrySet()) {
            if (!e.getKey().equals("skipped:control")) {
                n += e.getValue();
            }
        }
        return n;
    }

    private WorkerStatus sample(int i, double seconds) {
        Worker w = workers.get(i);
        SourceOffset probe = offsets.get(i);
        long source = probe == null || w.phase() == Worker.Phase.DONE ? -1 : probe.latest();
        LoadStats.Snapshot c = w.stats().snapshot();
        double keysPerSecond = (c.keysWritten() - lastKeys[i]) / seconds;
        double bytesPerSecond = (c.bytesRead() - lastBytes[i]) / seconds;
        lastKeys[i] = c.keysWritten();
        lastBytes[i] = c.bytesRead();
        long eta = w.phase() == Worker.Phase.SNAPSHOT && c.totalBytes() > 0 && bytesPerSecond > 0
                ? (long) ((c.totalBytes() - c.bytesRead()) / bytesPerSecond) : -1;
        long applied = w.appliedOffset();
        long received = w.receivedOffset();
        // The source's offset is polled on its own schedule: never show it below what we already received
        // or applied (the source had at least that), so applied never reads as ahead of the source.
        if (source >= 0) {
            source = Math.max(source, Math.max(received, applied));
        }
        long head = Math.max(source, received);
        long lagBytes = applied < 0 ? Math.max(0, head) : Math.max(0, head - applied);
        double lagSeconds = w.lagMillis() / 1000.0;
        // Caught up: nothing older than a second waits, and all the source had a second ago is applied
        // (a stalled link shows there: the source's offset moves on while ours does not).
        boolean caughtUp = w.phase() == Worker.Phase.STREAMING && w.lagMillis() < 1000 && source >= 0
                && lastSourceOffset[i] >= 0 && applied >= lastSourceOffset[i];
        lastSourceOffset[i] = source;
        java.util.Map<String, Long> stream = w.replayStats().snapshot();
        long writes = writes(stream);
        if (w.filter().active()) {
            stream = new java.util.LinkedHashMap<>(stream);
            for (java.util.Map.Entry<String, Long> f : w.filter().counts().entrySet()) {
                stream.put("filter:" + f.getKey(), f.getValue()); // what --include/--exclude/--types left out
            }
        }
        boolean quiet = caughtUp && lagBytes == 0 && writes == lastWrites[i];
        quietSince[i] = !quiet ? -1 : quietSince[i] >= 0 ? quietSince[i] : System.nanoTime();
        lastWrites[i] = writes;
        Throwable f = w.failure();
        double percent = c.totalBytes() > 0 ? Math.min(100.0, Math.round(1000.0 * c.bytesRead() / c.totalBytes()) / 10.0) : -1;
        return new WorkerStatus(w.source().name(), w.phase().name(), c.bytesRead(), c.totalBytes(), percent, c.keysWritten(),
                keysPerSecond, eta, applied, received, source, lagBytes, lagSeconds, caughtUp, w.fullSyncs(), w.partialResyncs(),
                c.failed(), f != null ? String.valueOf(f.getMessage() != null ? f.getMessage() : f)
                        : w.linkError() != null ? "source link down: " + w.linkError() : null,
                stream);
    }

    @Override
    public void close() {
        for (SourceOffset o : offsets) {
            if (o != null) {
                o.close();
            }
        }
    }
}
