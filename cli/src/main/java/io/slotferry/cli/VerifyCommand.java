package io.slotferry.cli;

import io.slotferry.migration.FailureHint;
import io.slotferry.replay.ToolKeys;
import io.slotferry.source.SourceSpec;
import io.slotferry.translate.DbMapping;
import io.slotferry.verify.RepairOptions;
import io.slotferry.verify.Verifier;
import io.slotferry.verify.VerifyMode;
import io.slotferry.verify.VerifyOptions;
import io.slotferry.verify.VerifyReport;
import io.slotferry.write.TargetNodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLHandshakeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code migrate verify}: compare the sources with the target; exit 0 only when nothing differs. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Compare each SOURCE with the target key by key and report what differs.",
            "",
            "Exit 0 only when nothing differs. Safe while writes continue: a key that",
            "differs is compared again a few times (short pauses) and counts only if",
            "it stays different; a key deleted or expired on the source meanwhile is",
            "not a difference. Sources are only read (SCAN, TYPE, PTTL, reads).",
            "",
            "--mode counts (default): keys and keys with a TTL per source database",
            "  (from SCAN, not INFO), mapped through --db-map, against the target's",
            "  keys per destination; keys whose TTL ran out during the run explain",
            "  a shortfall.",
            "--mode sample: about --sample keys per source compared value by value,",
            "  and as many target keys checked for a source.",
            "--mode full: every source key compared (type, value, TTL), and every",
            "  target key checked for a source (keys on no source are 'extra').",
            "Values: strings by bytes, lists in order, sets, sorted sets with scores,",
            "hashes exactly, streams with entries, groups and pending entries; big",
            "values in windows of 1000. The table goes to stdout; --report writes",
            "JSON with the first examples of each kind of difference.",
            "",
            "--repair (sample and full mode): each key that stayed different is",
            "  re-checked and copied again from its source's master (DUMP + PTTL",
            "  there, RESTORE ... REPLACE ABSTTL on the target, only if the target key",
            "  did not change meanwhile); a key no source holds any more is deleted from",
            "  the target (slotferry:* keys never are). Then it is compared again: a",
            "  key that keeps changing is reported busy, not forced. Source reads",
            "  count against --max-ops. Exit 0 when every difference was repaired.",
            "",
            "Examples:",
            "  MIGRATE_TARGET_PASSWORD=... migrate verify --mode full \\",
            "    --source redis://10.0.3.7:6379 --source redis://10.0.3.8:6379 \\",
            "    --target rediss://slotferry@clustercfg.my-cache.example.com:6379 \\",
            "    --target-cacert ca.pem --report verify.json",
            "  migrate verify --source redis://10.0.3.7:6379 --db-map prefix \\",
            "    --mode sample --sample 50000 --max-ops 5000 \\",
            "    --target redis://10.0.0.5:6379",
            "  migrate verify --mode full --repair --sync-from master \\",
            "    --source codis:http://10.0.1.2:18080 --target rediss://... --report repair.json",
            ""},
        footer = {"", "Exit codes:",
            "  0  nothing differs (with --repair: every difference found was repaired",
            "     and compared equal again)",
            "  1  something differs (see the table and --report),",
            "     or verification failed (the message on stderr says why)",
            "  2  invalid command line",
            "  4  an input/output or connection error"})
public final class VerifyCommand implements Callable<Integer> {

    @Mixin
    FleetOptions fleetOptions;

    @Option(names = "--db-map", paramLabel = "MAP", defaultValue = "only:0",
            description = {"The --db-map the migration ran with: only:N (default only:0), prefix[:FORMAT], merge.",
                "Example: --db-map prefix"})
    String dbMap;

    @Mixin
    FilterOptions filters;

    @Mixin
    TargetOptions targetOptions;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "counts",
            description = {"counts (default), sample or full (see above). Example: --mode full"})
    VerifyMode mode;

    @Option(names = "--sample", paramLabel = "N", defaultValue = "10000",
            description = {"Keys compared per source in --mode sample, spread over the keyspace. Default: ${DEFAULT-VALUE}.",
                "Example: --sample 100000"})
    long sample;

    @Option(names = "--ttl-tolerance-ms", paramLabel = "MS", defaultValue = "1000",
            description = {"How far a key's remaining TTL may differ between source and target (the two are read",
                "moments apart). A key with no TTL must have none on the target. Default: ${DEFAULT-VALUE}.",
                "Example: --ttl-tolerance-ms 5000"})
    long ttlToleranceMs;

    @Option(names = "--report", paramLabel = "FILE",
            description = {"Write the result as JSON: totals, per-source counts, and the first --examples keys of",
                "each kind of difference (keys as printable ASCII with \\xNN escapes, and in hex).",
                "Example: --report /tmp/verify.json"})
    Path report;

    @Option(names = "--examples", paramLabel = "N", defaultValue = "20",
            description = {"Examples of each kind of difference kept in the table and the report. Default: ${DEFAULT-VALUE}.",
                "Example: --examples 100"})
    int examples;

    @Option(names = "--max-ops", paramLabel = "N", defaultValue = "20000",
            description = {"Commands per second sent to each source (0 = no limit), so verification does not hurt a",
                "production source. Default: ${DEFAULT-VALUE}. Example: --max-ops 5000"})
    long maxOps;

    @Option(names = "--rechecks", paramLabel = "N", defaultValue = "3",
            description = {"How many times a key that differs is compared before it counts (writes may be in flight).",
                "Default: ${DEFAULT-VALUE}. Example: --rechecks 5"})
    int rechecks;

    @Option(names = "--recheck-delay-ms", paramLabel = "MS", defaultValue = "500",
            description = {"Pause before re-check k is k times this, so 3 checks span 1.5 s by default; raise it when the",
                "migration lags by seconds. Default: ${DEFAULT-VALUE}. Example: --recheck-delay-ms 2000"})
    long recheckDelayMs;

    @Option(names = "--repair",
            description = {"Copy every key found different again from its source's master (see above); needs --mode sample or full.",
                "The target user needs DUMP, RESTORE, DEL and EVAL. Example: --mode full --repair"})
    boolean repair;

    @Option(names = "--repair-max-bytes", paramLabel = "BYTES", defaultValue = "67108864",
            description = {"Keys bigger than this on the source (MEMORY USAGE) are not repaired but reported too-big, so",
                "memory holds at most one value of this size per lane. Default: ${DEFAULT-VALUE} (64 MiB).",
                "Example: --repair-max-bytes 1048576"})
    long repairMaxBytes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OptionRange.check(spec, "--sample", sample, 1, Long.MAX_VALUE, "keys per source");
        OptionRange.check(spec, "--ttl-tolerance-ms", ttlToleranceMs, 0, Long.MAX_VALUE, "milliseconds");
        OptionRange.check(spec, "--examples", examples, 0, 1_000_000, "examples per kind of difference");
        OptionRange.check(spec, "--max-ops", maxOps, 0, Long.MAX_VALUE, "commands per second, 0 = no limit");
        OptionRange.check(spec, "--rechecks", rechecks, 0, 100, "compares of a differing key");
        OptionRange.check(spec, "--recheck-delay-ms", recheckDelayMs, 0, 600_000, "milliseconds");
        OptionRange.check(spec, "--repair-max-bytes", repairMaxBytes, 1, Long.MAX_VALUE, "bytes");
        VerifyOptions options;
        List<SourceSpec.Live> live;
        try {
            if (repair && mode == VerifyMode.COUNTS) {
                throw new IllegalArgumentException("--repair compares key by key: add --mode sample or --mode full");
            }
            options = VerifyOptions.defaults().withMode(mode).withMapping(DbMapping.parse(dbMap))
                    .withSample(sample).withTtlToleranceMs(ttlToleranceMs).withMaxOpsPerSource(maxOps).withExamples(examples)
                    .withRechecks(rechecks, Duration.ofMillis(recheckDelayMs))
                    .withRepair(repair ? new RepairOptions(repairMaxBytes) : null).withFilter(filters.filter(spec));
            if (options.filter().active() && options.mode() == VerifyMode.COUNTS) {
                throw new IllegalArgumentException("--mode counts compares key counts, which include the keys the filters"
                        + " leave out: add --mode sample or --mode full");
            }
            targetOptions.address(); // the target URI's mistakes before any connection
            live = liveSources();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        err.println("verify " + options.mode() + ": " + live.size() + " source(s) against " + targetOptions.describe()
                + ", db map " + options.mapping() + (options.filter().active() ? ", keys: " + options.filter().describe() : "") + (repair ? ", repairing" : "") + ", at most " + (maxOps == 0 ? "unlimited" : maxOps) + " ops/s per source");
        err.flush();
        VerifyReport result;
        try {
            result = Verifier.run(live, targetOptions.endpoint(), options);
        } catch (SSLHandshakeException e) {
            String hint = FailureHint.knownTargetCause(e, TargetOptions.PASSWORD_ENV + " or --target-password-file");
            throw new IOException("TLS handshake failed: " + e.getMessage() + " (" + (hint != null && hint.contains("does not name")
                    ? hint : "does --target-cacert / --source-cacert name the CA that signed the certificate?") + ")", e);
        }
        VerifyTable.print(result, out);
        long toolKeys;
        try (TargetNodes nodes = TargetNodes.open(targetOptions.endpoint(), Duration.ofSeconds(10))) {
            toolKeys = ToolKeys.count(nodes);
        }
        if (toolKeys > 0) {
            // a finding, not a difference: a run in progress needs them; after cutover they are leftovers
            out.println("tool keys: the target holds " + toolKeys + " keys of the migrator (slotferry:*): needed while a run goes;"
                    + " after cutover 'migrate finish' deletes them (the application would see them in SCAN and DBSIZE)");
        }
        out.flush();
        if (report != null) {
            VerifyJson.write(result, toolKeys, report);
            err.println("report written to " + report);
        }
        return result.succeeded() ? 0 : 1;
    }

    /** The sources as live instances, discovered as 'migrate run' does (Twemproxy backends, Codis groups, URIs; a scan: URI is its instance). */
    private List<SourceSpec.Live> liveSources() throws IOException {
        List<SourceSpec.Live> out = new ArrayList<>();
        for (SourceSpec s : fleetOptions.discover(Duration.ofSeconds(10)).sources()) {
            if (s instanceof SourceSpec.Live live) {
                out.add(live);
            } else if (s instanceof SourceSpec.Scan scan) {
                out.add(new SourceSpec.Live(scan.name(), scan.endpoint())); // verify reads by SCAN anyway
            } else {
                throw new IllegalArgumentException("verify compares live instances: use redis://[user@]host:port, rediss://...,"
                        + " scan:redis://..., twemproxy:PATH or codis:http://..., not " + s.name());
            }
        }
        return out;
    }
}
