package io.slotferry.migration;

import io.slotferry.filter.KeyFilter;
import io.slotferry.metrics.ByteCount;
import io.slotferry.resp.KeyText;
import io.slotferry.resp.RedisConnection;
import io.slotferry.replication.scan.KeyspaceEvents;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.source.CodisDashboard;
import io.slotferry.source.Fleet;
import io.slotferry.source.Info;
import io.slotferry.source.Keyspace;
import io.slotferry.source.SourceSpec;
import io.slotferry.translate.LossyReplication;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The checks of {@code migrate plan}, run without writing anything: each source (reachable, version,
 * replication allowed, backlog and replica output buffer against its write rate, keys per database,
 * big keys), the target ({@link TargetPreflight}: cluster state, free memory per primary against its share of the data, the
 * ACL user's permissions), and Codis dashboards (no slot migration pending).
 */
public final class Preflight {
    /** Assumed speed of a source writing its snapshot (fork + RDB), to estimate how long writes pile up. */
    private static final double SNAPSHOT_BYTES_PER_SECOND = 100e6;
    /** A restart within this long should still find the stream in the backlog. */
    private static final long BACKLOG_SECONDS_WANTED = 300;
    private static final int BIG_KEY_SAMPLE = 1000;

    private final Duration timeout;
    private final KeyFilter filter;
    private final List<Finding> findings = new ArrayList<>();

    private Preflight(Duration timeout, KeyFilter filter) {
        this.timeout = timeout;
        this.filter = filter;
    }

    /**
     * Runs every check.
     *
     * @param dbMapChosen   whether the operator chose a {@code --db-map} (keys outside db 0 need one)
     * @param bigValueBytes the run's threshold for writing a value in chunks
     */
    public static List<Finding> check(Fleet fleet, RedisEndpoint target, Duration timeout, boolean dbMapChosen,
            long bigValueBytes) throws InterruptedException {
        return check(fleet, target, timeout, dbMapChosen, bigValueBytes, io.slotferry.load.OnExisting.FAIL, KeyFilter.NONE);
    }

    /**
     * Runs every check, also what the target already holds against {@code onExisting}, and the instances' overlaps
     * (the latter two only when the target answered: an unreachable target is said once, not after three waits).
     * With an active {@code filter} the target's memory is checked against the share of each live source the
     * filter keeps, estimated from a sample ({@link KeptShare}).
     */
    public static List<Finding> check(Fleet fleet, RedisEndpoint target, Duration timeout, boolean dbMapChosen,
            long bigValueBytes, io.slotferry.load.OnExisting onExisting, KeyFilter filter) throws InterruptedException {
        Preflight p = new Preflight(timeout, filter);
        for (CodisDashboard d : fleet.dashboards()) {
            p.codis(d);
        }
        long sourceMemory = 0;
        for (SourceSpec s : fleet.sources()) {
            if (s instanceof SourceSpec.Live live) {
                sourceMemory += p.source(live, dbMapChosen, bigValueBytes);
            } else if (s instanceof SourceSpec.Scan scan) {
                sourceMemory += p.scanned(scan, dbMapChosen);
            } else {
                p.findings.add(Finding.ok(s.name(), "a file: loaded as a snapshot, no stream"));
            }
        }
        if (!new TargetPreflight(timeout, p.findings).check(target, sourceMemory)) {
            return p.findings;
        }
        try {
            p.findings.add(TargetKeys.of(target, timeout).finding("target " + target, onExisting));
            for (String overlap : InstanceOverlap.problems(fleet, target, timeout)) {
                p.findings.add(Finding.fail("instances", overlap, "the run refuses to start like this"));
            }
        } catch (IOException e) {
            p.findings.add(Finding.fail("target " + target, "unusable: " + e.getMessage(), FailureHint.target(e)));
        }
        return p.findings;
    }

    private void codis(CodisDashboard d) {
        String subject = "codis " + d.base();
        try {
            CodisDashboard.Overview o = d.overview();
            String unsafe = o.unsafeToStart();
            findings.add(unsafe == null
                    ? Finding.ok(subject, "product " + o.productName() + ": " + o.groups().size() + " groups, no slot action pending"
                            + (o.slotActionsDisabled() ? ", slot actions paused" : ""))
                    : Finding.fail(subject, unsafe, "the run refuses to start until this is resolved"));
            if (unsafe == null && !o.slotActionsDisabled()) {
                findings.add(Finding.warn(subject, "slot actions are enabled: a slot migration may start during the run",
                        "run with --codis-freeze-migrations (pauses them for the run, resumes them after)"));
            }
        } catch (IOException e) {
            findings.add(Finding.fail(subject, "unreachable: " + e.getMessage(), "check the dashboard address"));
        }
    }

    /** Checks one live source; returns its used memory (0 when unknown). */
    private long source(SourceSpec.Live live, boolean dbMapChosen, long bigValueBytes) throws InterruptedException {
        String name = live.name() + (live.name().contains(live.endpoint().host()) ? "" : " (" + live.endpoint() + ")");
        try (RedisConnection c = RedisConnection.open(live.endpoint(), timeout)) {
            Map<String, String> server = Info.read(c, "server");
            String version = server.getOrDefault("redis_version", "?");
            findings.add(Finding.ok(name, "reachable, redis " + version));
            for (String risk : LossyReplication.of(version).risks()) {
                findings.add(Finding.warn(name, risk, "keep PTTL allowed for the source user (in @read); run verify --mode full"
                        + " --sync-from master before the cutover"));
            }
            boolean psync = !version.startsWith("2.") || version.compareTo("2.8") >= 0;
            RespValue capa = c.call("REPLCONF", "capa", "eof", "capa", "psync2");
            if (capa instanceof RespValue.Error e) {
                findings.add(Finding.fail(name, "replication refused: REPLCONF answered " + e.message(),
                        "let the source user replicate (ACL: +psync +sync +replconf)"));
            } else if (!psync) {
                findings.add(Finding.warn(name, "redis " + version + " has SYNC only: no partial resync",
                        "a restart of the run takes a new snapshot of this instance"));
            } else {
                findings.add(Finding.ok(name, "replication allowed (PSYNC)"));
            }
            long used = Info.number(Info.read(c, "memory"), "used_memory", 0);
            long rate = writeRate(c);
            backlog(c, name, rate);
            outputBuffer(c, name, rate, used);
            databases(live.endpoint(), name, dbMapChosen);
            bigKeys(c, name, bigValueBytes);
            return kept(c, name, used);
        } catch (IOException e) {
            findings.add(Finding.fail(name, "unreachable: " + e.getMessage(),
                    FailureHint.source(e, "MIGRATE_SOURCE_PASSWORD or --source-password-file")));
            return 0;
        }
    }

    /** Checks a source copied by SCAN: reachable, its user may SCAN, DUMP and PTTL; returns its used memory (0 when unknown). */
    private long scanned(SourceSpec.Scan scan, boolean dbMapChosen) {
        String name = scan.name();
        try (RedisConnection c = RedisConnection.open(scan.endpoint(), timeout)) {
            Map<String, String> server = Info.read(c, "server");
            findings.add(Finding.ok(name, "reachable, redis " + server.getOrDefault("redis_version", "?")
                    + "; copied by SCAN + DUMP/PTTL (SYNC/PSYNC not needed)"));
            RespValue page = c.call("SCAN", "0", "COUNT", "10");
            List<String> refused = new ArrayList<>();
            byte[] probe = "slotferry:preflight".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (page instanceof RespValue.Error e) {
                refused.add("SCAN (" + e.message() + ")");
            } else if (page instanceof RespValue.Array a && a.items().size() == 2 && a.items().get(1) instanceof RespValue.Array keys
                    && !keys.items().isEmpty() && keys.items().get(0) instanceof RespValue.Bulk first) {
                probe = first.bytes();
            }
            for (String command : List.of("DUMP", "PTTL")) {
                if (c.call(List.of(command.getBytes(java.nio.charset.StandardCharsets.US_ASCII), probe)) instanceof RespValue.Error e) {
                    refused.add(command + " (" + e.message() + ")");
                }
            }
            findings.add(refused.isEmpty() ? Finding.ok(name, "the user may run SCAN, DUMP and PTTL")
                    : Finding.fail(name, "the user may not run " + String.join(", ", refused),
                            "grant them (ACL: +scan +dump +pttl +select +info; to follow changes +config|get +psubscribe)"));
            findings.add(Finding.warn(name, "a SCAN copy is not exact under concurrent writes: a key written during the walk"
                    + " may be copied before the write, one created during it may be missed, one deleted after it was copied"
                    + " stays on the target unless a keyspace notification says so",
                    "stop the writers, let the copy catch up (or run again), then migrate verify; the run never reports"
                            + " ready_for_cutover"));
            String unfollowed = KeyspaceEvents.unavailable(c, scan.follow());
            findings.add(unfollowed == null
                    ? Finding.ok(name, "keyspace notifications name every changed key: changes after the walk are followed"
                            + " (a lost subscription walks again)")
                    : Finding.warn(name, "changes after the walk are not followed: " + unfollowed,
                            "for a one-off copy of data nobody writes that is fine; to follow changes, the operator sets"
                                    + " notify-keyspace-events AE on the source (slotferry never does)"));
            databases(scan.endpoint(), name, dbMapChosen);
            return kept(c, name, Info.number(Info.read(c, "memory"), "used_memory", 0));
        } catch (IOException e) {
            findings.add(Finding.fail(name, "unreachable: " + e.getMessage(),
                    FailureHint.source(e, "MIGRATE_SOURCE_PASSWORD or --source-password-file")));
            return 0;
        }
    }

    /** The part of a source's {@code used} memory the filter keeps (all of it without a filter), said as a finding. */
    private long kept(RedisConnection c, String name, long used) {
        if (!filter.active()) {
            return used;
        }
        try {
            KeptShare share = KeptShare.sample(c, filter);
            long expected = (long) (used * share.fraction());
            findings.add(Finding.ok(name, String.format(Locale.ROOT, "the filters (%s) keep %d of %d sampled keys of db 0"
                    + " (%.1f %% of their %s): the target is checked for about %s of %s", filter.describe(), share.kept(),
                    share.sampled(), 100 * share.fraction(), share.weighed() ? "memory" : "count", ByteCount.format(expected),
                    ByteCount.format(used))));
            return expected;
        } catch (IOException e) {
            findings.add(Finding.warn(name, "the filters' share cannot be sampled (" + e.getMessage() + "): the target is"
                    + " checked for the whole source", "let the source user run SCAN, TYPE and MEMORY USAGE for a closer estimate"));
            return used;
        }
    }

    /** Replication bytes written per second, over one second. */
    private static long writeRate(RedisConnection c) throws IOException, InterruptedException {
        long before = Info.number(Info.read(c, "replication"), "master_repl_offset", 0);
        Thread.sleep(1000);
        return Math.max(0, Info.number(Info.read(c, "replication"), "master_repl_offset", 0) - before);
    }

    private void backlog(RedisConnection c, String name, long rate) throws IOException {
        long backlog = config(c, "repl-backlog-size");
        if (backlog < 0) {
            findings.add(Finding.warn(name, "repl-backlog-size cannot be read (CONFIG GET refused)",
                    "make sure the backlog holds several minutes of writes, or a restart needs a new snapshot"));
            return;
        }
        long seconds = rate == 0 ? Long.MAX_VALUE : backlog / rate;
        String what = rate == 0 ? "backlog " + ByteCount.format(backlog) + "; no writes in the sampled second"
                : String.format(Locale.ROOT, "backlog %s holds %d s of writes at %s/s", ByteCount.format(backlog), seconds,
                        ByteCount.format(rate));
        findings.add(seconds >= BACKLOG_SECONDS_WANTED ? Finding.ok(name, what) : Finding.warn(name, what,
                "a run stopped longer than that restarts with a new snapshot: CONFIG SET repl-backlog-size "
                        + Math.max(backlog, rate * BACKLOG_SECONDS_WANTED)));
    }

    /** Writes pile up in the master's replica output buffer while it writes the snapshot. */
    private void outputBuffer(RedisConnection c, String name, long rate, long used) throws IOException {
        RespValue r = c.call("CONFIG", "GET", "client-output-buffer-limit");
        String limits = r instanceof RespValue.Array a && a.items().size() == 2 && a.items().get(1) instanceof RespValue.Bulk b
                ? b.text() : null;
        if (limits == null) {
            findings.add(Finding.warn(name, "client-output-buffer-limit cannot be read", "check the replica class limit by hand"));
            return;
        }
        String[] parts = limits.split(" ");
        for (int i = 0; i + 3 < parts.length; i += 4) {
            if (parts[i].equals("replica") || parts[i].equals("slave")) {
                long hard = Long.parseLong(parts[i + 1]);
                long soft = Long.parseLong(parts[i + 2]);
                double snapshotSeconds = used / SNAPSHOT_BYTES_PER_SECOND;
                long piled = (long) (rate * snapshotSeconds);
                String what = String.format(Locale.ROOT, "snapshot of %s takes about %.0f s to write; %s of writes pile up"
                        + " meanwhile (replica buffer limit hard %s, soft %s)", ByteCount.format(used), snapshotSeconds, ByteCount.format(piled),
                        hard == 0 ? "none" : ByteCount.format(hard), soft == 0 ? "none" : ByteCount.format(soft));
                if (hard > 0 && piled > hard || soft > 0 && piled > soft) {
                    findings.add(Finding.fail(name, what, "the source would drop the replica mid-snapshot: CONFIG SET"
                            + " client-output-buffer-limit \"replica " + Math.max(hard, piled * 2) + " " + Math.max(soft, piled * 2)
                            + " 60\" for the run, or migrate at a quieter time"));
                } else {
                    findings.add(Finding.ok(name, what));
                }
                return;
            }
        }
        findings.add(Finding.warn(name, "no replica class in client-output-buffer-limit (" + limits + ")", "check it by hand"));
    }

    private void databases(RedisEndpoint source, String name, boolean dbMapChosen) throws IOException {
        Map<Integer, Long> keys = Keyspace.keysPerDb(source, timeout);
        boolean others = keys.keySet().stream().anyMatch(db -> db != 0);
        String what = "keys per database: " + (keys.isEmpty() ? "none" : keys.toString());
        findings.add(others && !dbMapChosen ? Finding.fail(name, what, "a cluster has db 0 only: choose --db-map only:0"
                + " (skip the others), prefix (db N key k becomes N:k) or merge") : Finding.ok(name, what));
    }

    /** The biggest of a sample of keys, by {@code MEMORY USAGE} (Redis 4.0+). */
    private void bigKeys(RedisConnection c, String name, long bigValueBytes) throws IOException {
        RespValue page = c.call("SCAN", "0", "COUNT", Integer.toString(BIG_KEY_SAMPLE));
        if (!(page instanceof RespValue.Array a) || a.items().size() != 2 || !(a.items().get(1) instanceof RespValue.Array keys)) {
            return;
        }
        List<Map.Entry<byte[], Long>> sized = new ArrayList<>();
        for (RespValue k : keys.items()) {
            byte[] key = ((RespValue.Bulk) k).bytes();
            RespValue u = c.call(List.of("MEMORY".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    "USAGE".getBytes(java.nio.charset.StandardCharsets.US_ASCII), key));
            if (u instanceof RespValue.Error) {
                return; // before 4.0, or not permitted: no estimate
            }
            if (u instanceof RespValue.Integer n) {
                sized.add(Map.entry(key, n.value()));
            }
        }
        sized.sort(Comparator.comparing((Map.Entry<byte[], Long> e) -> e.getValue()).reversed());
        StringBuilder top = new StringBuilder();
        for (int i = 0; i < Math.min(3, sized.size()); i++) {
            top.append(i == 0 ? "" : ", ").append(KeyText.printable(sized.get(i).getKey())).append(' ')
                    .append(ByteCount.format(sized.get(i).getValue()));
        }
        findings.add(Finding.ok(name, "biggest of " + sized.size() + " sampled keys: " + (top.length() == 0 ? "none" : top)
                + (sized.stream().anyMatch(e -> e.getValue() > bigValueBytes) ? " (over --big-value-bytes: written in chunks)" : "")));
    }

    private static long config(RedisConnection c, String parameter) throws IOException {
        RespValue r = c.call("CONFIG", "GET", parameter);
        if (r instanceof RespValue.Array a && a.items().size() == 2 && a.items().get(1) instanceof RespValue.Bulk b) {
            try {
                return Long.parseLong(b.text());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}
