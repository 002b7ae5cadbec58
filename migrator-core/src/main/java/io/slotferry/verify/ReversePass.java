package io.slotferry.verify;

import io.slotferry.replay.AppliedMarks;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.source.SourceSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Target to source: SCAN every target primary and look each key's possible source homes up on every
 * source (pipelined EXISTS, grouped by database). A key no source holds is re-checked (still on the
 * target, still on no source) before it counts as {@link DiffKind#EXTRA}. With several sources the
 * owner of a key is unknown, so every source is asked.
 */
final class ReversePass {
    private final List<SourceSpec.Live> sources;
    private final VerifyOptions options;
    private final Findings findings;
    private final Set<Integer> sourceDbs;
    private final Map<String, SourceBudget> budgets;
    private final KeyRepair repair; // null without --repair

    ReversePass(List<SourceSpec.Live> sources, Map<String, SourceBudget> budgets, VerifyOptions options, Findings findings,
            Set<Integer> sourceDbs) {
        this.sources = sources;
        this.budgets = budgets;
        this.options = options;
        this.findings = findings;
        this.sourceDbs = sourceDbs;
        this.repair = options.repair() == null ? null
                : new KeyRepair(options, new ValueCompare(options.chunk(), options.ttlToleranceMs(), options.ttlGraceMs()), findings);
    }

    /** Walks the target; returns the number of target keys checked. */
    long run(RedisEndpoint target) throws IOException, InterruptedException {
        List<SourceNode> nodes = new ArrayList<>();
        long checked = 0;
        try (TargetReads t = TargetReads.open(target, options.connectTimeout())) {
            for (SourceSpec.Live s : sources) {
                nodes.add(SourceNode.open(s, budgets.get(s.name()), options.connectTimeout()));
            }
            double p = 1.0;
            if (options.mode() == VerifyMode.SAMPLE) {
                long total = 0;
                for (RedisEndpoint primary : t.primaries()) {
                    List<byte[]> argv = Request.of("DBSIZE");
                    total += Reply.integer(t.callOn(primary, argv), argv);
                }
                p = Math.min(1.0, (double) options.sample() / Math.max(1, total));
            }
            SplittableRandom random = new SplittableRandom(17);
            for (RedisEndpoint primary : t.primaries()) {
                String cursor = "0";
                do {
                    List<byte[]> argv = Request.of("SCAN", cursor, "COUNT", options.batch());
                    List<RespValue> page = Reply.items(t.callOn(primary, argv), argv);
                    cursor = ValueCompare.cursorOf(page);
                    List<byte[]> keys = new ArrayList<>();
                    for (RespValue k : Reply.items(page.get(1), argv)) {
                        byte[] key = ValueCompare.bulk(k);
                        if (!AppliedMarks.isToolKey(key) && (p >= 1.0 || random.nextDouble() < p) && kept(key)) {
                            keys.add(key); // the migrator's applied marks are no source's keys
                        }
                    }
                    checked += keys.size();
                    List<byte[]> orphans = orphans(nodes, keys);
                    if (!orphans.isEmpty()) {
                        settle(nodes, t, orphans);
                    }
                } while (!cursor.equals("0"));
            }
        } finally {
            for (SourceNode n : nodes) {
                n.close();
            }
        }
        return checked;
    }

    /** False for a target key every source home of which the run's filters leave out by name: not compared. */
    private boolean kept(byte[] key) {
        if (!options.filter().active()) {
            return true;
        }
        for (SourceHome h : SourceHome.of(options.mapping(), key, sourceDbs)) {
            if (options.filter().byName(h.key()) == null) {
                return true;
            }
        }
        return false;
    }

    /** The keys that none of their source homes holds, on any source. */
    private List<byte[]> orphans(List<SourceNode> nodes, List<byte[]> keys) throws IOException, InterruptedException {
        List<byte[]> left = new ArrayList<>(keys);
        for (SourceNode node : nodes) {
            if (left.isEmpty()) {
                break;
            }
            List<List<byte[]>> commands = new ArrayList<>();
            List<Integer> owner = new ArrayList<>(); // key index per command, -1 for SELECT
            int db = node.db();
            for (int i = 0; i < left.size(); i++) {
                for (SourceHome h : SourceHome.of(options.mapping(), left.get(i), sourceDbs)) {
                    if (!sourceDbs.contains(h.db())) {
                        continue; // a database no source holds keys in (it may not even exist there)
                    }
                    if (h.db() != db) {
                        commands.add(Request.of("SELECT", h.db()));
                        owner.add(-1);
                        db = h.db();
                    }
                    commands.add(Request.of("EXISTS", h.key()));
                    owner.add(i);
                }
            }
            List<RespValue> replies = node.pipeline(commands);
            node.assumeSelected(db);
            boolean[] found = new boolean[left.size()];
            for (int c = 0; c < replies.size(); c++) {
                RespValue r = Reply.checked(replies.get(c), commands.get(c));
                if (owner.get(c) >= 0 && r instanceof RespValue.Integer n && n.value() > 0) {
                    found[owner.get(c)] = true;
                }
            }
            List<byte[]> next = new ArrayList<>();
            for (int i = 0; i < left.size(); i++) {
                if (!found[i]) {
                    next.add(left.get(i));
                }
            }
            left = next;
        }
        return left;
    }

    /** Re-checks a page's orphans together (one pause per attempt), then reports those that stayed. */
    private void settle(List<SourceNode> nodes, TargetReads t, List<byte[]> orphans) throws IOException, InterruptedException {
        List<byte[]> left = orphans;
        int attempts = findings.confirmed() >= Rechecks.HURRY_AFTER ? 1 : options.rechecks();
        for (int attempt = 1; attempt < attempts && !left.isEmpty(); attempt++) {
            Thread.sleep(options.recheckDelay().toMillis() * attempt);
            List<byte[]> still = new ArrayList<>();
            for (byte[] key : left) {
                List<byte[]> argv = Request.of("EXISTS", key);
                if (Reply.integer(t.of(key).call(argv), argv) > 0) {
                    still.add(key); // else: deleted or expired on the target meanwhile
                }
            }
            left = orphans(nodes, still); // a key written to a source meanwhile (or whose copy arrived) drops out
        }
        for (byte[] key : left) {
            List<SourceHome> homes = SourceHome.of(options.mapping(), key, sourceDbs);
            StringBuilder where = new StringBuilder();
            for (SourceHome h : homes) {
                where.append(where.length() == 0 ? "" : " or ").append(ValueCompare.shown(h.key())).append(" in db ").append(h.db());
            }
            Difference found = new Difference(DiffKind.EXTRA, "target", homes.get(0).db(), homes.get(0).key(), key,
                    "only on the target: no source holds " + where + " (" + sources.size() + " source"
                            + (sources.size() == 1 ? "" : "s") + " checked)");
            findings.add(found);
            if (repair != null) {
                repair.extraKey(found, new Side(t.of(key), key), k -> !orphans(nodes, List.of(k)).isEmpty());
            }
        }
    }
}
