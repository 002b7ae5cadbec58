package io.slotferry.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Counters of one source instance (or one lane of its pass: one thread each); {@link #result} freezes them. */
final class InstanceTally {
    private final Map<Integer, long[]> dbs = new TreeMap<>(); // db -> {keys, withExpiry, mapped}
    long found;
    long missing;
    long typeDiffs;
    long valueDiffs;
    long ttlDiffs;
    long vanished;
    long busy;
    long unmapped;

    /** One key of {@code db} seen by SCAN. */
    void seen(int db, boolean withExpiry, boolean mapped) {
        long[] c = dbs.computeIfAbsent(db, d -> new long[3]);
        c[0]++;
        c[1] += withExpiry ? 1 : 0;
        c[2] += mapped ? 1 : 0;
    }

    /** The settled outcome of one mapped key. */
    void settled(Verdict v) {
        if (v instanceof Verdict.Gone) {
            vanished++;
        } else if (v instanceof Verdict.Differs d) {
            DiffKind k = d.kind();
            if (k == DiffKind.MISSING) {
                missing++;
            } else {
                found++;
                if (k == DiffKind.TYPE) {
                    typeDiffs++;
                } else if (k == DiffKind.VALUE) {
                    valueDiffs++;
                } else {
                    ttlDiffs++;
                }
            }
        } else {
            found++;
        }
    }

    /** Adds another lane's counters of the same instance. */
    void add(InstanceTally o) {
        o.dbs.forEach((db, c) -> {
            long[] mine = dbs.computeIfAbsent(db, d -> new long[3]);
            for (int i = 0; i < 3; i++) {
                mine[i] += c[i];
            }
        });
        found += o.found;
        missing += o.missing;
        typeDiffs += o.typeDiffs;
        valueDiffs += o.valueDiffs;
        ttlDiffs += o.ttlDiffs;
        vanished += o.vanished;
        busy += o.busy;
        unmapped += o.unmapped;
    }

    long mapped() {
        long n = 0;
        for (long[] c : dbs.values()) {
            n += c[2];
        }
        return n;
    }

    /** {@code compared}: sample/full mode (expected = the mapped keys still there), else counts mode (expected = mapped). */
    InstanceResult result(String name, boolean compared) {
        List<InstanceResult.DbCount> out = new ArrayList<>();
        dbs.forEach((db, c) -> out.add(new InstanceResult.DbCount(db, c[0], c[1], c[2])));
        return new InstanceResult(name, out, compared ? found + missing : mapped(), found, missing, typeDiffs,
                valueDiffs, ttlDiffs, vanished, busy, unmapped);
    }
}
