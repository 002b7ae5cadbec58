package io.slotferry.cli;

import io.slotferry.checkpoint.CheckpointException;
import io.slotferry.checkpoint.Finished;
import io.slotferry.checkpoint.RunIdentity;
import io.slotferry.checkpoint.StateDirectory;
import io.slotferry.checkpoint.StateLock;
import io.slotferry.replay.ToolKeys;
import io.slotferry.write.TargetNodes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code migrate finish}: the last step of a cutover; deletes the migrator's own keys and closes the state directory. */
@Command(name = "finish", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "End a migration after cutover: delete the migrator's own keys from the target and close the state directory.",
            "",
            "While it runs, 'migrate run' holds every expiry on the target --ttl-grace past the source's and keeps",
            "keys of its own there (slotferry:applied:* marks that make a restart exactly-once, emulation journals):",
            "the application would see late expiries and those keys in SCAN, DBSIZE and memory. Once the sources'",
            "writes have stopped and the run is stopped (docs/running.md, \"Cutover\"), and before the application",
            "writes to the target, 'migrate finish' makes every expiry exact again (PEXPIREAT the source's time),",
            "deletes every key starting with slotferry: on every primary and records in",
            "the state directory that the migration is finished: a later 'migrate run' over it refuses to start",
            "(its checkpoints would resume streams into a target the application now owns) unless given",
            "--reopen-finished.",
            "",
            "Example:",
            "  MIGRATE_TARGET_PASSWORD=... migrate finish --state-dir /var/lib/slotferry/run1 \\",
            "    --target rediss://slotferry@clustercfg.my-cache.example.com:6379 --target-cacert ca.pem",
            ""},
        footer = {"", "Exit codes:",
            "  0  every expiry is exact, the target holds no key of the migrator; the state directory is marked finished",
            "  1  not a state directory of this target, or the target refused a delete",
            "  2  invalid command line",
            "  4  an input/output or connection error"})
public final class FinishCommand implements Callable<Integer> {
    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "migrate-state",
            description = "The run's --state-dir. Default: ${DEFAULT-VALUE}")
    Path stateDir;

    @Mixin
    TargetOptions targetOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StateDirectory state = StateDirectory.existing(stateDir);
        try (StateLock lock = StateLock.acquire(stateDir)) { // a run still using the directory would write marks meanwhile
            return finish(state, out);
        }
    }

    private Integer finish(StateDirectory state, PrintWriter out) throws Exception {
        RunIdentity run = state.identity();
        if (!run.target().equals(targetOptions.address())) {
            throw new CheckpointException("state directory " + stateDir + " belongs to a run into " + run.target()
                    + ", not into " + targetOptions.address() + ": name the run's target");
        }
        long deleted;
        long exact;
        try (TargetNodes nodes = TargetNodes.open(targetOptions.endpoint(), Duration.ofSeconds(10))) {
            java.util.Map<String, String> leases = ToolKeys.leases(nodes);
            if (!leases.isEmpty()) {
                throw new CheckpointException("a 'migrate run' still holds " + leases.size() + " source instance(s) of this target ("
                        + leases.entrySet().iterator().next() + (leases.size() > 1 ? ", ..." : "") + "): stop every process of the"
                        + " fleet first (a killed process's leases expire after its --lease-ttl)");
            }
            exact = ToolKeys.exactTtls(nodes); // before the grace key goes with the others
            deleted = ToolKeys.deleteAll(nodes);
            long left = ToolKeys.count(nodes);
            if (left > 0) {
                throw new CheckpointException(left + " keys of the migrator are still in the target after deleting " + deleted
                        + ": is a 'migrate run' still writing into it? Stop it and run 'migrate finish' again");
            }
        }
        state.markFinished(new Finished(Instant.now().toString(), run.target(), deleted));
        out.println("finished: made " + exact + " expiries exact, deleted " + deleted + " keys of the migrator from "
                + targetOptions.describe() + "; the target holds none; " + stateDir + " is marked finished");
        return 0;
    }
}
