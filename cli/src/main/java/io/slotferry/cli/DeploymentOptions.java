package io.slotferry.cli;

import io.slotferry.lease.LeaseHolder;
import io.slotferry.metrics.StatusServer;
import io.slotferry.migration.RunOptions;
import io.slotferry.source.Fleet;
import io.slotferry.source.InstanceSelection;
import io.slotferry.source.Shard;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Running a fleet as several processes (a picocli mixin of {@code migrate run}): which discovered instances
 * this process takes ({@code --instances}, {@code --shard}), how long its leases last, and where its metrics
 * server listens (docs/deploy.md).
 */
public final class DeploymentOptions {
    @Option(names = "--instances", paramLabel = "NAME|GLOB", split = ",",
            description = {"Migrate only these discovered instances (names as in 'migrate plan', or globs with * and ?),",
                "comma-separated or repeated. Example: --instances 'twemproxy:alpha/shard1,codis:prod/group-*'"})
    List<String> instances;

    @Option(names = "--shard", paramLabel = "I/N",
            description = {"Migrate part I (from 0) of N of the discovered instances: an instance belongs to part",
                "SHA-256(name) mod N, so the split is the same each time the fleet is listed (docs/deploy.md). Each",
                "process needs its own --state-dir. Example: --shard 0/4 (with --shard 1/4 ... 3/4 elsewhere)"})
    String shard;

    @Option(names = "--lease-ttl", paramLabel = "DURATION", defaultValue = "PT30S",
            description = {"How long the lease of an instance in the target (slotferry:lease:{INSTANCE}) outlives a process",
                "that stops renewing it (renewed every third of it; a process that cannot renew it that long stops the",
                "instance's worker). Default: ${DEFAULT-VALUE}."})
    Duration leaseTtl;

    @Option(names = "--metrics-bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = {"Address the --metrics-port server listens on (/metrics, /status, /ready, /live). Default:",
                "${DEFAULT-VALUE}; in a pod 0.0.0.0 (there is no authentication: a warning says so). Example: --metrics-bind 0.0.0.0"})
    String metricsBind;

    /** The instances of {@code fleet} this process migrates. */
    Fleet select(Fleet fleet, CommandLine.Model.CommandSpec spec) {
        try {
            InstanceSelection selection = new InstanceSelection(instances == null ? List.of() : instances,
                    shard == null ? null : Shard.parse(shard));
            return selection.select(fleet);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** {@code options} with this process's leases and metrics address. */
    RunOptions apply(RunOptions options, Path stateDir, PrintWriter err) throws IOException {
        if (!StatusServer.isLoopback(metricsBind)) {
            err.println("warning: --metrics-bind " + metricsBind + ": /metrics and /status (which name the fleet's hosts) are"
                    + " served without authentication beyond this host; keep the port on a private network");
        }
        return options.withMetricsBind(metricsBind).withLeases(LeaseHolder.current(stateDir), leaseTtl);
    }
}
