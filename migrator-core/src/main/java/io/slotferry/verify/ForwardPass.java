package io.slotferry.verify;

import io.slotferry.rdb.ValueType;
import io.slotferry.resp.RespValue;
import io.slotferry.source.SourceSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sample and full mode, source to target, for the SCAN pages of one source instance that one lane of
 * {@link ForwardScan} is given: per page three pipelined rounds on both sides (TYPE + PTTL; the size; the whole value of the small
 * ones). A key all three rounds find equal is done. Every other key (a difference, a big value, a
 * stream, a redirect) is compared one window at a time and re-checked until it is equal, gone from
 * the source, or stayed different through every attempt: only those count.
 */
final class ForwardPass {
    private static final long SMALL_STRING = 64 * 1024;
    private static final long ROUND_ELEMENTS = 20_000;
    private static final long ROUND_BYTES = 4 << 20;

    private final VerifyOptions options;
    private final Rechecks rechecks;
    private final InstanceTally tally = new InstanceTally();

    ForwardPass(SourceSpec.Live spec, VerifyOptions options, Findings findings) {
        this.options = options;
        this.rechecks = new Rechecks(options, findings, tally, spec.name());
    }

    /** This lane's counters (merged by {@link ForwardScan} when every lane is done). */
    InstanceTally tally() {
        return tally;
    }

    /** Compares one SCAN page of source database {@code db}. */
    void page(SourceNode source, TargetReads target, int db, List<byte[]> scanned) throws IOException, InterruptedException {
        List<byte[]> keys = scanned;
        if (options.filter().active()) {
            keys = new ArrayList<>(scanned.size());
            for (byte[] k : scanned) {
                if (options.filter().byName(k) == null) {
                    keys.add(k); // a key the run's filters leave out is not compared
                }
            }
            if (keys.isEmpty()) {
                return;
            }
        }
        source.select(db);
        int n = keys.size();
        List<byte[]> targetKeys = new ArrayList<>(n);
        for (byte[] k : keys) {
            targetKeys.add(options.mapping().targetKey(db, k));
        }
        source.send(twice(keys, "TYPE", "PTTL"));
        List<RespValue> t1 = target.pipeline(doubled(targetKeys), twice(targetKeys, "TYPE", "PTTL"));
        List<RespValue> s1 = source.receive(2 * n);
        List<Integer> slow = new ArrayList<>();
        List<Integer> candidates = new ArrayList<>();
        String[] types = new String[n];
        long[] sizes = new long[n];
        for (int i = 0; i < n; i++) {
            String st = word(s1.get(2 * i));
            long sp = number(s1.get(2 * i + 1));
            if ("none".equals(st)) {
                tally.vanished++;
                continue;
            }
            if (st != null && options.filter().typesActive() && !options.filter().keeps(valueType(st))) {
                continue; // --types leaves it out: the target should not hold it, nor does verify compare it
            }
            tally.seen(db, sp >= 0, true);
            types[i] = st;
            String tt = word(t1.get(2 * i));
            long tp = number(t1.get(2 * i + 1));
            if (st == null || !st.equals(tt) || sp == Long.MIN_VALUE || tp == Long.MIN_VALUE
                    || ValueCompare.ttlDifference(sp, tp, options.ttlToleranceMs(), options.ttlGraceMs()) != null || sizeCommand(st) == null) {
                slow.add(i);
            } else {
                candidates.add(i);
            }
        }
        List<Integer> small = new ArrayList<>();
        if (!candidates.isEmpty()) {
            List<List<byte[]>> sc = new ArrayList<>();
            List<List<byte[]>> tc = new ArrayList<>();
            List<byte[]> routed = new ArrayList<>();
            for (int i : candidates) {
                sc.add(Request.of(sizeCommand(types[i]), keys.get(i)));
                tc.add(Request.of(sizeCommand(types[i]), targetKeys.get(i)));
                routed.add(targetKeys.get(i));
            }
            source.send(sc);
            List<RespValue> t2 = target.pipeline(routed, tc);
            List<RespValue> s2 = source.receive(sc.size());
            for (int j = 0; j < candidates.size(); j++) {
                int i = candidates.get(j);
                long a = number(s2.get(j));
                long b = number(t2.get(j));
                long limit = types[i].equals("string") ? SMALL_STRING : options.chunk();
                if (a == Long.MIN_VALUE || a != b || a > limit) {
                    slow.add(i);
                } else {
                    sizes[i] = a;
                    small.add(i);
                }
            }
        }
        // Whole-value reads, in rounds of bounded size: memory holds at most ROUND_ELEMENTS elements
        // (or ROUND_BYTES of strings) per side, whatever the page holds.
        int from = 0;
        while (from < small.size()) {
            int to = from;
            long elements = 0;
            long bytes = 0;
            while (to < small.size() && (to == from || (elements < ROUND_ELEMENTS && bytes < ROUND_BYTES))) {
                int i = small.get(to++);
                if (types[i].equals("string")) {
                    bytes += sizes[i];
                } else {
                    elements += sizes[i];
                }
            }
            wholeValues(source, target, keys, targetKeys, types, small.subList(from, to), slow);
            from = to;
        }
        List<Side[]> suspects = new ArrayList<>(slow.size());
        for (int i : slow) {
            suspects.add(new Side[] {new Side(source, keys.get(i)), new Side(target.of(targetKeys.get(i)), targetKeys.get(i))});
        }
        rechecks.settle(db, suspects);
    }

    private void wholeValues(SourceNode source, TargetReads target, List<byte[]> keys, List<byte[]> targetKeys, String[] types,
            List<Integer> small, List<Integer> slow) throws IOException, InterruptedException {
        List<List<byte[]>> sc = new ArrayList<>();
        List<List<byte[]>> tc = new ArrayList<>();
        List<byte[]> routed = new ArrayList<>();
        for (int i : small) {
            sc.add(SmallValue.read(types[i], keys.get(i)));
            tc.add(SmallValue.read(types[i], targetKeys.get(i)));
            routed.add(targetKeys.get(i));
        }
        source.send(sc);
        List<RespValue> t3 = target.pipeline(routed, tc);
        List<RespValue> s3 = source.receive(sc.size());
        for (int j = 0; j < small.size(); j++) {
            int i = small.get(j);
            if (SmallValue.same(types[i], s3.get(j), t3.get(j))) {
                tally.settled(Verdict.SAME);
            } else {
                slow.add(i);
            }
        }
    }

    /** {@code a k, b k} for every key. */
    private static List<List<byte[]>> twice(List<byte[]> keys, String a, String b) {
        List<List<byte[]>> out = new ArrayList<>(keys.size() * 2);
        for (byte[] k : keys) {
            out.add(Request.of(a, k));
            out.add(Request.of(b, k));
        }
        return out;
    }

    /** Every key twice in a row: the routing list of {@link #twice}. */
    private static List<byte[]> doubled(List<byte[]> keys) {
        List<byte[]> out = new ArrayList<>(keys.size() * 2);
        for (byte[] k : keys) {
            out.add(k);
            out.add(k);
        }
        return out;
    }

    private static String sizeCommand(String type) {
        switch (type) {
            case "string":
                return "STRLEN";
            case "list":
                return "LLEN";
            case "hash":
                return "HLEN";
            case "set":
                return "SCARD";
            case "zset":
                return "ZCARD";
            default:
                return null; // streams and module types: always compared in full
        }
    }

    /** TYPE's word as a type the filters name; anything else (a module type's name) is a module value. */
    private static ValueType valueType(String type) {
        for (ValueType t : ValueType.values()) {
            if (t.wireName().equals(type)) {
                return t;
            }
        }
        return ValueType.MODULE;
    }

    /** TYPE's word, or null for an error reply (a redirect: compared again one by one). */
    private static String word(RespValue v) {
        if (v instanceof RespValue.SimpleString s) {
            return s.text();
        }
        return null;
    }

    /** An integer reply, or Long.MIN_VALUE for anything else. */
    private static long number(RespValue v) {
        return v instanceof RespValue.Integer i ? i.value() : Long.MIN_VALUE;
    }
}
