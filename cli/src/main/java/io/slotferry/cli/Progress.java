package io.slotferry.cli;

import io.slotferry.load.LoadStats;
import io.slotferry.migration.Worker;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Progress lines of {@code migrate run} (one per worker) and its closing summary. */
final class Progress {
    private final List<Worker> workers;
    private final PrintWriter err;
    private final long[] lastKeys;
    private final long[] lastBytes;
    private long lastNanos = System.nanoTime();

    Progress(List<Worker> workers, PrintWriter err) {
        this.workers = workers;
        this.err = err;
        this.lastKeys = new long[workers.size()];
        this.lastBytes = new long[workers.size()];
    }

    /** One line per worker: share of the file read, keys acknowledged, rate, ETA, skips and failures. */
    void print() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        lastNanos = now;
        for (int i = 0; i < workers.size(); i++) {
            Worker w = workers.get(i);
            if (w.appliedOffset() >= 0) {
                long received = w.receivedOffset();
                err.println(String.format(Locale.ROOT, "%s streaming  applied offset %,d  received %,d  lag %,d bytes  %s",
                        w.source().name(), w.appliedOffset(), received, Math.max(0, received - w.appliedOffset()),
                        w.replayStats().snapshot()));
                continue;
            }
            LoadStats.Snapshot c = w.stats().snapshot();
            double keysPerSecond = (c.keysWritten() - lastKeys[i]) / seconds;
            double bytesPerSecond = (c.bytesRead() - lastBytes[i]) / seconds;
            lastKeys[i] = c.keysWritten();
            lastBytes[i] = c.bytesRead();
            String share = c.totalBytes() > 0 ? String.format(Locale.ROOT, "%5.1f%%", 100.0 * c.bytesRead() / c.totalBytes()) : "    ?";
            String eta = c.totalBytes() > 0 && bytesPerSecond > 0
                    ? duration((long) ((c.totalBytes() - c.bytesRead()) / bytesPerSecond)) : "-";
            err.println(String.format(Locale.ROOT, "%s %s  %,d keys loaded  %,.0f keys/s  ETA %s  skipped %,d expired %,d other-db  failed %,d",
                    workers.get(i).source().name(), share, c.keysWritten(), keysPerSecond, eta, c.skippedExpired(),
                    c.skippedOtherDb(), c.failed()));
        }
        err.flush();
    }

    /** The closing line of one source. */
    static String summary(String source, LoadStats.Snapshot c) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "%s: loaded %,d keys (%,d restored, %,d rewritten), skipped %,d expired and %,d in other databases, failed %,d",
                source, c.keysWritten(), c.restored(), c.rewritten(), c.skippedExpired(), c.skippedOtherDb(), c.failed()));
        if (c.scripts() + c.functionLibraries() + c.moduleAux() > 0) {
            s.append(String.format(Locale.ROOT, "; not loaded: %,d cached scripts, %,d function libraries, %,d module aux records",
                    c.scripts(), c.functionLibraries(), c.moduleAux()));
        }
        return s.toString();
    }

    private static String duration(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
