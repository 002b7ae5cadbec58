package io.slotferry.cli;

import io.slotferry.verify.DiffKind;
import io.slotferry.verify.Difference;
import io.slotferry.verify.InstanceResult;
import io.slotferry.verify.RepairOutcome;
import io.slotferry.verify.RepairReport;
import io.slotferry.verify.RepairedKey;
import io.slotferry.verify.TargetBucket;
import io.slotferry.verify.VerifyMode;
import io.slotferry.verify.VerifyReport;
import java.io.PrintWriter;
import java.util.Locale;

/** The human table of {@code migrate verify}. */
final class VerifyTable {
    private VerifyTable() {
    }

    static void print(VerifyReport r, PrintWriter out) {
        out.println(String.format(Locale.ROOT, "verify %s: %d source(s), %,d target keys walked, %.1f s", r.mode(),
                r.instances().size(), r.targetKeys(), r.millis() / 1000.0));
        if (r.mode() == VerifyMode.COUNTS) {
            counts(r, out);
        } else {
            comparison(r, out);
        }
        if (r.repair() != null) {
            repair(r.repair(), out);
            out.println(r.clean() ? "result: nothing differs" : r.succeeded()
                    ? "result: every difference repaired and compared equal again" : "result: NOT EVERYTHING REPAIRED");
        } else {
            out.println(r.clean() ? "result: nothing differs" : "result: DIFFERENCES FOUND");
        }
    }

    /** Per kind of difference, what --repair did, then the first keys of each outcome. */
    private static void repair(RepairReport r, PrintWriter out) {
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-10s", "repair"));
        for (RepairOutcome o : RepairOutcome.values()) {
            head.append(String.format(Locale.ROOT, " %12s", o.label()));
        }
        out.println(head);
        for (DiffKind k : DiffKind.values()) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-10s", k.label()));
            for (RepairOutcome o : RepairOutcome.values()) {
                row.append(String.format(Locale.ROOT, " %,12d", r.count(k, o)));
            }
            out.println(row);
        }
        for (RepairedKey k : r.examples()) {
            Difference d = k.difference();
            out.println("  " + k.outcome().label() + "  " + d.kind().label() + "  " + d.source() + (d.db() >= 0 ? " db " + d.db() : "")
                    + "  " + d.shownKey() + ": " + k.detail());
        }
    }

    private static void counts(VerifyReport r, PrintWriter out) {
        out.println(String.format(Locale.ROOT, "%-36s %4s %12s %12s %12s", "source", "db", "keys", "with TTL", "mapped"));
        for (InstanceResult i : r.instances()) {
            for (InstanceResult.DbCount c : i.dbs()) {
                out.println(String.format(Locale.ROOT, "%-36s %4d %,12d %,12d %,12d", i.source(), c.db(), c.keys(),
                        c.withExpiry(), c.mapped()));
            }
        }
        out.println(String.format(Locale.ROOT, "%-36s %12s %12s %12s  %s", "target destination", "expected", "expired",
                "found", "difference"));
        for (TargetBucket b : r.buckets()) {
            out.println(String.format(Locale.ROOT, "%-36s %,12d %,12d %,12d  %s", b.name(), b.expected(), b.expiredDuringRun(),
                    b.found(), b.explanation()));
        }
    }

    private static void comparison(VerifyReport r, PrintWriter out) {
        out.println(String.format(Locale.ROOT, "%-36s %11s %11s %9s %7s %7s %7s %7s %9s %7s %9s", "source", "expected", "found",
                "missing", "extra", "type", "value", "ttl", "vanished", "busy", "unmapped"));
        for (InstanceResult i : r.instances()) {
            out.println(String.format(Locale.ROOT, "%-36s %,11d %,11d %,9d %7s %,7d %,7d %,7d %,9d %,7d %,9d", i.source(),
                    i.expected(), i.found(), i.missing(), "-", i.typeDiffs(), i.valueDiffs(), i.ttlDiffs(), i.vanished(),
                    i.busy(), i.unmapped()));
        }
        out.println(String.format(Locale.ROOT, "%-36s %11s %11s %9s %,7d", "target (keys on no source)", "-", "-", "-",
                r.total(DiffKind.EXTRA)));
        for (Difference d : r.examples()) {
            out.println("  " + d.kind().label() + "  " + d.source() + (d.db() >= 0 ? " db " + d.db() : "") + "  "
                    + d.shownKey() + ": " + d.detail());
        }
        for (Difference d : r.busy()) {
            out.println("  busy  " + d.source() + " db " + d.db() + "  " + d.shownKey() + ": " + d.detail());
        }
    }
}
