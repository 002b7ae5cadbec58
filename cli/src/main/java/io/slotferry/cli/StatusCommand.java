package io.slotferry.cli;

import io.slotferry.checkpoint.Checkpoint;
import io.slotferry.checkpoint.RunIdentity;
import io.slotferry.checkpoint.StateDirectory;
import io.slotferry.metrics.RunStatus;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code migrate status}: a run's last status and checkpoints, read from its state directory (running or not). */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Show a run's last status and checkpoints, from its state directory.",
            "",
            "The last status 'migrate run' wrote (phase,",
            "progress, offsets, lag, readiness for cutover) and each source's checkpoint (what a restart resumes",
            "from). Works while the run is going (the status is at most a second old) and after it stopped.",
            "",
            "Example:  migrate status --state-dir /var/lib/slotferry/run1",
            "Fleet:    migrate status --state-dir run-a --state-dir run-b   (or http://pod-0:9187/status ...)",
            ""},
        footer = {"", "Exit codes:",
            "  0  printed (whatever state the run is in: the output says it)",
            "  1  not a state directory, or unreadable",
            "  2  invalid command line"})
public final class StatusCommand implements Callable<Integer> {
    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "migrate-state",
            description = {"The run's --state-dir. Default: ${DEFAULT-VALUE}. Repeat it (or add status URLs) for one table",
                "over the runs of a split fleet, with one ready_for_cutover for all of them."})
    List<Path> stateDirs;

    @Parameters(paramLabel = "URL", arity = "0..*",
            description = {"Status URLs of running processes of the fleet (http://HOST:PORT/status, served with",
                "--metrics-port), read together with any --state-dir into one fleet table."})
    List<String> urls;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (Path dir : stateDirs) {
            if (dir.toString().startsWith("-")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--state-dir needs a directory, not '" + dir
                        + "' (an option name? see 'migrate status --help')");
            }
        }
        for (String url : urls == null ? List.<String>of() : urls) {
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "'" + url + "' is not a status URL"
                        + " (http://HOST:PORT/status); state directories go with --state-dir");
            }
        }
        boolean dirsGiven = spec.commandLine().getParseResult().hasMatchedOption("--state-dir");
        if (stateDirs.size() > 1 || (urls != null && !urls.isEmpty())) {
            return FleetStatus.print(dirsGiven ? stateDirs : List.of(), urls == null ? List.of() : urls, out);
        }
        Path stateDir = stateDirs.get(0);
        StateDirectory state = StateDirectory.existing(stateDir);
        RunIdentity run = state.identity();
        out.println("run of " + run.sources().size() + " source(s) into " + run.target());
        if (Files.exists(state.statusFile())) {
            RunStatus status = StateDirectory.json().readValue(state.statusFile().toFile(), RunStatus.class);
            Duration age = Duration.between(Instant.parse(status.time()), Instant.now());
            out.println("status of " + status.time() + (age.getSeconds() > 5
                    ? String.format(Locale.ROOT, " (%d s ago: the run is stopped, or not writing)", age.getSeconds()) : ""));
            for (String line : Progress.lines(status)) {
                out.println("  " + line);
            }
        } else {
            out.println("no status yet (the run has not taken one)");
        }
        out.println("checkpoints (a restart resumes from these):");
        for (String source : run.sources()) {
            Checkpoint c = state.checkpoint(source).orElse(null);
            if (c == null) {
                out.println(String.format(Locale.ROOT, "  %-28s none (a restart starts with a snapshot)", source));
            } else if (c.phase() == Checkpoint.Phase.SNAPSHOT) {
                out.println(String.format(Locale.ROOT, "  %-28s SNAPSHOT of %s at %,d, not complete (a restart takes a new one)  %s",
                        source, c.replid(), c.receivedOffset(), c.writtenAt()));
            } else {
                out.println(String.format(Locale.ROOT, "  %-28s STREAMING applied %,d of %s (a restart asks PSYNC %s %d)  %s",
                        source, c.appliedOffset(), c.replid(), c.replid(), c.appliedOffset() + 1, c.writtenAt()));
            }
        }
        out.flush();
        return 0;
    }
}
