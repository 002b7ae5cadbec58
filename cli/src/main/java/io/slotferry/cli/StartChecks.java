package io.slotferry.cli;

import io.slotferry.checkpoint.StateDirectory;
import io.slotferry.load.LoadException;
import io.slotferry.load.OnExisting;
import io.slotferry.migration.InstanceOverlap;
import io.slotferry.migration.TargetKeys;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.source.DiscoveryException;
import io.slotferry.source.Fleet;
import io.slotferry.source.Keyspace;
import io.slotferry.source.SourceSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * What {@code migrate run} refuses before it writes anything: the same instance twice, a target that is
 * a source, keys outside db 0 without a {@code --db-map}, a fresh run into a target holding keys under
 * {@code --on-existing fail}. Each refusal says why and what to do.
 */
final class StartChecks {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final CommandLine commandLine;

    StartChecks(CommandLine commandLine) {
        this.commandLine = commandLine;
    }

    /** Instances told apart by run_id and replication id, not by name (sources twice, target = source). */
    void refuseOverlaps(Fleet fleet, RedisEndpoint target) throws IOException {
        List<String> overlaps = InstanceOverlap.problems(fleet, target, TIMEOUT);
        if (!overlaps.isEmpty()) {
            throw new DiscoveryException(String.join("\n", overlaps));
        }
    }

    /** A cluster has db 0 only: keys elsewhere are skipped only when the operator said so. */
    void refuseOtherDatabases(Fleet fleet, boolean keepGoing) throws IOException {
        for (SourceSpec s : fleet.sources()) {
            RedisEndpoint endpoint = s instanceof SourceSpec.Live live ? live.endpoint()
                    : s instanceof SourceSpec.Scan scan ? scan.endpoint() : null;
            if (endpoint == null) {
                continue;
            }
            Map<Integer, Long> keys;
            try {
                keys = Keyspace.keysPerDb(endpoint, TIMEOUT);
            } catch (IOException e) {
                if (!keepGoing) {
                    throw new IOException("source " + s.name() + ": cannot read its keyspace: " + e.getMessage(), e);
                }
                commandLine.getErr().println("source " + s.name() + ": cannot read its keyspace (" + e.getMessage()
                        + "); --keep-going: its worker will report the failure, the others go on");
                continue;
            }
            StringBuilder others = new StringBuilder();
            keys.forEach((db, n) -> {
                if (db != 0) {
                    others.append(others.length() == 0 ? "" : ", ").append("db").append(db).append(": ").append(n).append(" keys");
                }
            });
            if (others.length() > 0) {
                throw new CommandLine.ParameterException(commandLine, "source " + s.name() + " has keys outside db 0 ("
                        + others + ") and a cluster has db 0 only: choose --db-map only:0 (skip them, counted), --db-map prefix"
                        + " (db N key k becomes N:k) or --db-map merge (every db into db 0)");
            }
        }
    }

    /**
     * A fresh run (no checkpoint in the state directory) into a target that holds keys other than slotferry's
     * bookkeeping: refused under {@code fail}, told under {@code skip} and {@code replace}. A restart (checkpoints
     * present) is not checked: the target then legitimately holds what the earlier run loaded.
     */
    void existingKeys(StateDirectory state, RedisEndpoint target, OnExisting policy) throws IOException {
        if (!state.checkpointFiles().isEmpty()) {
            return;
        }
        TargetKeys held = TargetKeys.of(target, TIMEOUT);
        if (!held.foreign()) {
            return;
        }
        String what = "the target holds " + held.keys() + " keys (e.g. " + held.example() + ")";
        PrintWriter err = commandLine.getErr();
        if (held.inProgress()) {
            // another process of a split fleet (or an unfinished run) is loading into it: its copy, not the application's
            err.println(what + " and the bookkeeping of a migration going on into it (slotferry:ttl-grace or leases):"
                    + " taken as that migration's copy; this fresh run goes on");
            err.flush();
            return;
        }
        switch (policy) {
            case FAIL -> throw new LoadException(what + " and this is a fresh run: a source key of the same name would"
                    + " overwrite one of them. Check --target; if it is the right one, choose --on-existing skip (leave"
                    + " existing keys alone) or --on-existing replace (overwrite keys of the same name)");
            case SKIP -> err.println(what + ": --on-existing skip: keys already there are left alone and counted");
            case REPLACE -> err.println(what + ": --on-existing replace: keys of the same name are overwritten");
        }
        err.flush();
    }
}
