package io.slotferry.cli;

import io.slotferry.cli.rdb.RdbCommand;
import io.slotferry.checkpoint.CheckpointException;
import io.slotferry.lease.LeaseException;
import io.slotferry.load.LoadException;
import io.slotferry.source.DiscoveryException;
import io.slotferry.rdb.RdbFormatException;
import io.slotferry.replay.ReplayException;
import io.slotferry.verify.VerifyException;
import io.slotferry.write.WriteException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code migrate}. Library code throws specific exceptions; this class alone turns
 * them into exit codes and one clear message on stderr.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true, versionProvider = Migrate.Version.class,
        subcommands = {PlanCommand.class, RunCommand.class, StatusCommand.class, VerifyCommand.class, FinishCommand.class, DemoCommand.class, RdbCommand.class, TailCommand.class, CommandLine.HelpCommand.class},
        description = {
            "slotferry: move live Redis data out of Codis and Twemproxy into a Redis Cluster",
            "(Amazon ElastiCache for Redis/Valkey in cluster mode), with no downtime.",
            "",
            "A migration: plan (check), run (copy live, with checkpoints and a cutover",
            "signal), status (of a run), verify (key by key), finish (after cutover: delete",
            "the migrator's own keys from the target). Also: rdb (inspect and dump",
            "RDB files of any version), tail (follow a replication stream), demo.",
            "",
            "Examples:",
            "  migrate plan --source twemproxy:/etc/nutcracker.yml --target rediss://u@host:6379",
            "  migrate run --source twemproxy:/etc/nutcracker.yml --target rediss://u@host:6379",
            "  migrate verify --mode full --source twemproxy:/etc/nutcracker.yml --target ...",
            "  migrate finish --state-dir migrate-state --target rediss://u@host:6379",
            "  migrate demo",
            "",
            "Any command: --config FILE reads option defaults from YAML (option names without dashes; a",
            "'run:' or 'verify:' mapping for one command; never secrets); the command line overrides it."},
        footer = {"", "Exit codes:",
            "  0  success",
            "  1  the command failed, or the fleet or state directory is not fit to start from (message on stderr)",
            "  2  invalid command line",
            "  3  the RDB input is malformed (the message gives the byte offset)",
            "  4  an input/output error (file missing, unreadable, broken pipe)"})
public final class Migrate implements Runnable {
    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of failures (and in log lines); for bug reports.")
    boolean debug;

    /** Exit code of a malformed RDB input. */
    public static final int EXIT_FORMAT = 3;
    /** Exit code of an I/O failure. */
    public static final int EXIT_IO = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try 'migrate --help'");
    }

    /** Builds the command line with the exit-code mapping installed (used by main and by tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Migrate());
        cl.registerConverter(java.time.Duration.class, new DurationText());
        OptionWords.register(cl);
        cl.setParameterExceptionHandler(new CommandLineMistakes());
        cl.setUsageHelpWidth(120); // option texts are written for 120 columns; 80 would break them mid-sentence
        cl.setExecutionStrategy(parsed -> {
            LogLines.debug = parsed.originalArgs().contains("--debug");
            LogLines.install();
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            Throwable cause = ex instanceof UncheckedIOException u ? u.getCause() : ex;
            boolean debug = parsed.originalArgs().contains("--debug");
            line.getErr().println("migrate: " + OperatorMessage.of(cause));
            if (debug) {
                cause.printStackTrace(line.getErr());
            }
            if (cause instanceof RdbFormatException) {
                return EXIT_FORMAT;
            }
            if (cause instanceof LoadException || cause instanceof WriteException || cause instanceof DiscoveryException
                    || cause instanceof CheckpointException || cause instanceof VerifyException
                    || cause instanceof ReplayException || cause instanceof LeaseException) {
                return 1; // the data, the target, the fleet's state, the state directory or a verification refused: not an I/O problem
            }
            if (cause instanceof IOException) {
                return EXIT_IO;
            }
            if (!debug && !(cause instanceof IllegalArgumentException) && !(cause instanceof IllegalStateException)) {
                line.getErr().println("migrate: (an unexpected " + cause.getClass().getSimpleName()
                        + "; run again with --debug for the details)");
            }
            return 1;
        });
        return cl;
    }

    public static void main(String[] args) {
        CommandLine cl = commandLine();
        String[] rest;
        try {
            rest = ConfigFile.install(cl, args);
        } catch (CommandLine.ParameterException e) {
            cl.getErr().println("migrate: " + e.getMessage());
            cl.getErr().flush();
            System.exit(2);
            return;
        }
        System.exit(cl.execute(rest));
    }

    /** Version and commit from {@code build.properties}, written at build time (falls back to "development build"). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = Migrate.class.getResourceAsStream("build.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            String v = p.getProperty("version", Migrate.class.getPackage().getImplementationVersion());
            if (v == null || v.startsWith("${")) {
                return new String[] {"slotferry migrate (development build)"};
            }
            String commit = p.getProperty("commit", "unknown");
            return new String[] {"slotferry migrate " + v + " (commit " + (commit.startsWith("${") ? "unknown" : commit) + ")"};
        }
    }
}
