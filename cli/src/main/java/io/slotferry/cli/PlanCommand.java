package io.slotferry.cli;

import io.slotferry.filter.KeyFilter;
import io.slotferry.load.OnExisting;
import io.slotferry.migration.Finding;
import io.slotferry.migration.Preflight;
import io.slotferry.source.DiscoveryException;
import io.slotferry.source.Fleet;
import io.slotferry.translate.DbMapping;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code migrate plan}: every check of a run, without writing anything. */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Check a migration before running it; writes nothing.",
            "",
            "For each source instance reachability,",
            "version, whether it lets a replica sync (PSYNC), its backlog and replica output buffer against its",
            "write rate and snapshot time, keys per database (is --db-map needed?), the biggest sampled keys;",
            "for the target its cluster state, free memory per primary against its share of the sources' data,",
            "and whether the ACL user may run every command the run sends (ACL DRYRUN); for Codis, that no slot",
            "migration is pending. With the run's --include/--exclude/--types, the target's memory is checked",
            "against the share of each source the filters keep (a sample of 2,000 keys, weighed by MEMORY USAGE).",
            "Each finding is OK, WARN or FAIL with what to do.",
            "",
            "Example:  MIGRATE_TARGET_PASSWORD=... migrate plan --source twemproxy:/etc/nutcracker.yml \\",
            "            --target rediss://slotferry@clustercfg.my-cache.example.com:6379 --target-cacert ca.pem",
            ""},
        footer = {"", "Exit codes:",
            "  0  no FAIL (WARNs may need attention)",
            "  1  at least one FAIL: the run would fail or lose data",
            "  2  invalid command line"})
public final class PlanCommand implements Callable<Integer> {
    @Mixin
    FleetOptions fleetOptions;

    @Mixin
    TargetOptions targetOptions;

    @Mixin
    FilterOptions filterOptions;

    @Option(names = "--db-map", paramLabel = "MAP",
            description = "The --db-map the run will use (only:0, prefix, merge); without it, keys outside db 0 are a FAIL.")
    String dbMap;

    @Option(names = "--big-value-bytes", paramLabel = "BYTES", defaultValue = "8388608",
            description = "The run's --big-value-bytes, to flag keys that will be written in chunks. Default: ${DEFAULT-VALUE}")
    long bigValueBytes;

    @Option(names = "--on-existing", paramLabel = "POLICY", defaultValue = "fail",
            description = "The run's --on-existing (fail, skip, replace): a target holding keys is a FAIL under fail. Default: ${DEFAULT-VALUE}")
    OnExisting onExisting;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OptionRange.check(spec, "--big-value-bytes", bigValueBytes, 1, Long.MAX_VALUE, "bytes");
        PrintWriter out = spec.commandLine().getOut();
        if (dbMap != null) {
            try {
                DbMapping.parse(dbMap);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        KeyFilter filter = filterOptions.filter(spec);
        List<Finding> findings;
        try {
            Fleet sources = fleetOptions.discover(Duration.ofSeconds(10));
            findings = Preflight.check(sources, targetOptions.endpoint(), Duration.ofSeconds(10), dbMap != null, bigValueBytes,
                    onExisting, filter);
        } catch (DiscoveryException e) {
            findings = List.of(new Finding(Finding.Level.FAIL, "sources", e.getMessage(), "fix the fleet's state or the --source values"));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        long fails = 0;
        long warns = 0;
        for (Finding f : findings) {
            out.println(String.format(Locale.ROOT, "%-4s %s: %s", f.level(), f.subject(), f.what()));
            if (!f.todo().isEmpty()) {
                out.println("     -> " + f.todo());
            }
            fails += f.level() == Finding.Level.FAIL ? 1 : 0;
            warns += f.level() == Finding.Level.WARN ? 1 : 0;
        }
        out.println(fails > 0 ? fails + " FAIL, " + warns + " WARN: fix the FAILs before 'migrate run'"
                : warns + " WARN, no FAIL: ready for 'migrate run'");
        out.flush();
        return fails > 0 ? 1 : 0;
    }
}
