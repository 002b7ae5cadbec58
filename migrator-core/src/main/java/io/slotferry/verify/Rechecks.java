package io.slotferry.verify;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Settles the keys of one SCAN page that the fast pass could not call equal: each is compared in
 * full, the ones still different are compared again after a pause (one pause per page and attempt,
 * not per key), up to {@link VerifyOptions#rechecks()} times. A key whose source and target both
 * changed between attempts (DUMP fingerprints) is being written with its copy following: "busy",
 * not a difference. Once {@link #HURRY_AFTER} differences are confirmed the target is far off and
 * each suspect is compared once, so a wiped target costs one comparison per key, not seconds.
 * Pauses: {@code recheckDelay} before the second attempt, twice that before the third, and so on.
 */
final class Rechecks {
    static final long HURRY_AFTER = 1_000;

    private final VerifyOptions options;
    private final ValueCompare compare;
    private final Findings findings;
    private final InstanceTally tally;
    private final String source;
    private final KeyRepair repair; // null without --repair

    Rechecks(VerifyOptions options, Findings findings, InstanceTally tally, String source) {
        this.options = options;
        this.compare = new ValueCompare(options.chunk(), options.ttlToleranceMs(), options.ttlGraceMs());
        this.findings = findings;
        this.tally = tally;
        this.source = source;
        this.repair = options.repair() == null ? null : new KeyRepair(options, compare, findings);
    }

    /** One key under suspicion and what its attempts saw. */
    private static final class Suspect {
        final Side source;
        final Side target;
        Verdict verdict;
        byte[][] last;
        boolean sourceMoved;
        boolean targetMoved;

        Suspect(Side source, Side target) {
            this.source = source;
            this.target = target;
        }
    }

    /** Compares {@code pairs} (source side, target side) of database {@code db} until each is settled. */
    void settle(int db, List<Side[]> pairs) throws IOException, InterruptedException {
        List<Suspect> pending = new ArrayList<>();
        for (Side[] p : pairs) {
            pending.add(new Suspect(p[0], p[1]));
        }
        int attempts = findings.confirmed() >= HURRY_AFTER ? 1 : options.rechecks();
        for (int attempt = 1; attempt <= attempts && !pending.isEmpty(); attempt++) {
            if (attempt > 1) {
                Thread.sleep(options.recheckDelay().toMillis() * (attempt - 1));
            }
            List<Suspect> still = new ArrayList<>();
            for (Suspect s : pending) {
                s.verdict = compare.compare(s.source, s.target);
                if (!(s.verdict instanceof Verdict.Differs d)) {
                    tally.settled(s.verdict);
                    continue;
                }
                if (attempts > 1 && (d.kind() == DiffKind.VALUE || d.kind() == DiffKind.TYPE)) {
                    byte[][] now = {Fingerprint.of(s.source), Fingerprint.of(s.target)};
                    if (s.last != null) {
                        s.sourceMoved |= moved(s.last[0], now[0]);
                        s.targetMoved |= moved(s.last[1], now[1]);
                    }
                    s.last = now;
                }
                still.add(s);
            }
            pending = still;
        }
        for (Suspect s : pending) {
            Verdict.Differs d = (Verdict.Differs) s.verdict;
            if (s.sourceMoved && s.targetMoved) {
                // Both sides changed between attempts: the key is being written and its copy follows, behind.
                tally.busy++;
                tally.settled(Verdict.SAME); // on the target, and not a difference
                findings.busy(new Difference(d.kind(), source, db, s.source.key(), s.target.key(),
                        "still being written on both sides while compared (last difference: " + d.detail() + ")"));
            } else {
                tally.settled(d);
                Difference found = new Difference(d.kind(), source, db, s.source.key(), s.target.key(), d.detail());
                findings.add(found);
                if (repair != null) {
                    repair.sourceKey(found, s.source, s.target);
                }
            }
        }
    }

    private static boolean moved(byte[] before, byte[] after) {
        return before != null && after != null && !Arrays.equals(before, after);
    }
}
