package io.slotferry.cli;

import io.slotferry.filter.KeyFilter;
import io.slotferry.filter.LeftOut;
import io.slotferry.load.LoadStats;
import io.slotferry.metrics.ByteCount;
import io.slotferry.metrics.RunStatus;
import io.slotferry.metrics.WorkerStatus;
import io.slotferry.migration.Worker;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Progress lines of {@code migrate run} and {@code migrate status}: one per worker. On a terminal
 * the block is redrawn in place; otherwise (a log file, a pipe) each status is printed as new lines,
 * at most every {@code every} statuses.
 */
final class Progress {
    private final PrintWriter err;
    private final boolean terminal;
    private final int every;
    private int drawn;
    private int seen;

    Progress(PrintWriter err, boolean terminal, int every) {
        this.err = err;
        this.terminal = terminal;
        this.every = Math.max(1, every);
    }

    void print(RunStatus status) {
        if (!terminal && seen++ % every != 0) {
            return;
        }
        List<String> lines = lines(status);
        if (terminal && drawn > 0) {
            err.print("\033[" + drawn + "F"); // back to the block's first line, then overwrite it
        }
        for (String l : lines) {
            err.print(terminal ? l + "\033[K\n" : l + "\n");
        }
        drawn = lines.size();
        err.flush();
    }

    /** The table: one line per worker and a readiness line. */
    static List<String> lines(RunStatus status) {
        List<String> out = new java.util.ArrayList<>();
        for (WorkerStatus w : status.workers()) {
            out.add(line(w));
        }
        out.add(status.safeToSwitch() ? "SAFE TO SWITCH NOW: lag 0 on every source and no write for "
                + RunStatus.QUIET.toSeconds() + " s (the writers have stopped; everything they wrote is on the target)"
                : status.readyForCutover() ? "READY FOR CUTOVER: every source caught up for "
                + String.format(Locale.ROOT, "%.0f s", status.caughtUpSeconds()) + " (stop writes to the sources, wait for lag 0, switch)"
                : "not ready for cutover" + (status.caughtUpSeconds() > 0
                        ? String.format(Locale.ROOT, " (every source caught up for %.0f s of 5)", status.caughtUpSeconds()) : ""));
        return out;
    }

    static String line(WorkerStatus w) {
        String head = String.format(Locale.ROOT, "%-28s %-9s", w.source(), w.phase());
        switch (w.phase()) {
            case "SNAPSHOT": {
                String share = w.rdbBytesTotal() > 0
                        ? String.format(Locale.ROOT, "%5.1f%% of %s", 100.0 * w.rdbBytesDone() / w.rdbBytesTotal(), ByteCount.format(w.rdbBytesTotal()))
                        : w.rdbBytesDone() > 0 ? "loading it as it arrives, " + ByteCount.format(w.rdbBytesDone()) + " read"
                        : "receiving the snapshot";
                return head + String.format(Locale.ROOT, " %s  %,d keys  %,.0f keys/s  ETA %s", share, w.keysLoaded(),
                        w.keysPerSecond(), w.etaSeconds() < 0 ? "-" : duration(w.etaSeconds()));
            }
            case "STREAMING":
            case "STOPPED":
                return head + String.format(Locale.ROOT, " applied %,d  source %,d  lag %s, %.1f s%s%s", w.appliedOffset(),
                        w.masterReplOffset(), ByteCount.format(w.lagBytes()), w.lagSeconds(),
                        w.partialResyncs() > 0 ? "  (resumed by partial resync)" : "",
                        w.failedKeys() > 0 ? "  failed keys " + w.failedKeys() : "");
            case "FAILED":
                return head + " " + w.error();
            default:
                return head + String.format(Locale.ROOT, " %,d keys", w.keysLoaded()) + (w.error() != null ? "  " + w.error() : "");
        }
    }

    /** The closing line of one source. */
    static String summary(String source, LoadStats.Snapshot c) {
        long submitted = c.restored() + c.rewritten();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "%s: loaded %,d keys (acknowledged by the target; submitted %,d: %,d as RESTORE, %,d rewritten), skipped %,d"
                        + " expired and %,d in other databases%s, failed %,d",
                source, c.keysWritten(), submitted, c.restored(), c.rewritten(), c.skippedExpired(), c.skippedOtherDb(),
                c.skippedExisting() > 0 ? String.format(Locale.ROOT, ", left %,d already on the target (--on-existing skip)",
                        c.skippedExisting()) : "", c.failed()));
        long unconfirmed = submitted - c.keysWritten() - c.failed() - c.skippedExisting();
        if (unconfirmed > 0) {
            s.append(String.format(Locale.ROOT, "; %,d submitted keys were not acknowledged (the target may hold some of them)",
                    unconfirmed));
        }
        if (c.scripts() + c.functionLibraries() + c.moduleAux() > 0) {
            s.append(String.format(Locale.ROOT, "; not loaded: %,d cached scripts, %,d function libraries, %,d module aux records",
                    c.scripts(), c.functionLibraries(), c.moduleAux()));
        }
        return s.toString();
    }

    /**
     * What the key filters of one worker left out: {@code SOURCE: left out by filters: snapshot 120 keys (include 100,
     * exclude 20, types 0), stream 33 keys (include 30, exclude 3, types 0); 2 keys copied again from the source}.
     */
    static String filtered(String source, KeyFilter filter) {
        Map<String, Long> c = filter.counts();
        StringBuilder s = new StringBuilder(source).append(": left out by filters:");
        String sep = " ";
        for (String phase : new String[] {"snapshot", "stream"}) {
            long total = 0;
            StringBuilder each = new StringBuilder();
            for (LeftOut f : LeftOut.values()) {
                long n = c.getOrDefault(phase + ":" + f.wireName(), 0L);
                total += n;
                each.append(each.isEmpty() ? "" : ", ").append(f.wireName()).append(' ').append(String.format(Locale.ROOT, "%,d", n));
            }
            s.append(sep).append(phase).append(String.format(Locale.ROOT, " %,d keys (", total)).append(each).append(')');
            sep = ", ";
        }
        long recopied = c.getOrDefault("recopied", 0L);
        if (recopied > 0) {
            s.append(String.format(Locale.ROOT, "; %,d keys copied again from the source (stream commands mixing kept and"
                    + " left-out keys)", recopied));
        }
        return s.toString();
    }

    /**
     * "NOTHING WAS COPIED: ..." when the workers read keys but every one was left out by the database mapping or the
     * key filters
     * ({@code dbMapOption}, e.g. {@code --db-map only:9}), else null.
     */
    static String nothingCopied(List<Worker> workers, String dbMapOption) {
        long read = 0;
        long written = 0;
        long otherDb = 0;
        long filtered = 0;
        for (Worker w : workers) {
            LoadStats.Snapshot c = w.stats().snapshot();
            read += c.keysRead();
            written += c.keysWritten();
            otherDb += c.skippedOtherDb();
            for (Map.Entry<String, Long> f : w.filter().counts().entrySet()) {
                filtered += f.getKey().startsWith("snapshot:") ? f.getValue() : 0;
            }
        }
        if (read == 0 || written > 0 || otherDb + filtered == 0) {
            return null;
        }
        if (otherDb == 0) {
            return "NOTHING WAS COPIED: no key of the sources was kept by --include/--exclude/--types (" + filtered + " of the "
                    + read + " keys read were left out by them, any others had expired); check the patterns (a glob matches the"
                    + " whole key name) and the types";
        }
        if (filtered > 0) {
            return "NOTHING WAS COPIED: all " + read + " keys of the sources were left out: " + otherDb + " in other databases by "
                    + dbMapOption + " and " + filtered + " by --include/--exclude/--types; check both";
        }
        return "NOTHING WAS COPIED: all " + read + " keys of the sources were left out by " + dbMapOption + " (" + otherDb
                + " in other databases); check --db-map (keys of db N go to the target only with only:N, prefix or merge)";
    }

    private static String duration(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
