package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The option mistakes of issue 17, one by one: each is exit 2 with one line naming it, never the help text. */
class CommandLineMistakesTest {
    private static final String CLOSED = "redis://127.0.0.1:1";

    private final InProcessMigrate cli = new InProcessMigrate();

    private void assertRefused(String expected, String... args) {
        int code = cli.run(args);
        assertEquals(2, code, cli.said());
        assertTrue(cli.err().contains(expected), "says " + expected + "\n" + cli.said());
        assertTrue(cli.err().lines().count() <= 3 && !cli.err().contains("Usage:"), "no help text\n" + cli.said());
    }

    @Test
    void aMistypedOptionIsNamedWithTheOneMeant() {
        assertRefused("Unknown option: '--sorce' (did you mean --source?)", "run", "--sorce", CLOSED, "--target", CLOSED);
    }

    @Test
    void aMistypedCommandGetsTheOneMeant() {
        assertRefused("Unknown command: 'rn' (did you mean run?)", "rn", "--source", CLOSED);
    }

    @Test
    void outOfRangeNumbersAreNamed() {
        assertRefused("'--max-ops': -5", "run", "--source", CLOSED, "--target", CLOSED, "--max-ops", "-5");
        assertRefused("'--big-value-bytes': -1", "run", "--source", CLOSED, "--target", CLOSED, "--big-value-bytes", "-1");
        assertRefused("'--metrics-port': 99999", "run", "--source", CLOSED, "--target", CLOSED, "--metrics-port", "99999");
    }

    @Test
    void durationsReadAsOperatorsWriteThem() {
        assertEquals(Duration.ofSeconds(1), DurationText.parse("1s"));
        assertEquals(Duration.ofMillis(500), DurationText.parse("500ms"));
        assertEquals(Duration.ofMinutes(2), DurationText.parse("2m"));
        assertEquals(Duration.ofMillis(1500), DurationText.parse("1.5s"));
        assertEquals(Duration.ofSeconds(1), DurationText.parse("PT1S"));
        assertRefused("'--progress-interval'", "run", "--source", CLOSED, "--target", CLOSED, "--progress-interval", "-1s");
        assertRefused("'--progress-interval'", "run", "--source", CLOSED, "--target", CLOSED, "--progress-interval", "0");
    }

    @Test
    void aTtlGraceOfZeroTurnsTheGraceOff() {
        CommandLine line = Migrate.commandLine();
        line.parseArgs("run", "--source", CLOSED, "--target", CLOSED, "--ttl-grace", "0");
        assertEquals(Duration.ZERO, ((RunCommand) line.getSubcommands().get("run").getCommand()).ttlGrace);
        line = Migrate.commandLine();
        line.parseArgs("run", "--source", CLOSED, "--target", CLOSED, "--ttl-grace", "90s");
        assertEquals(Duration.ofSeconds(90), ((RunCommand) line.getSubcommands().get("run").getCommand()).ttlGrace);
        assertRefused("'--ttl-grace'", "run", "--source", CLOSED, "--target", CLOSED, "--ttl-grace", "-1s");
    }

    @Test
    void aWordNoChoiceHasIsNamedWithTheOptionAndTheValidWords() {
        assertRefused("Invalid value for option '--flush': 'wipe' is not one of stop, delete-own-keys, ignore",
                "run", "--source", CLOSED, "--target", CLOSED, "--flush", "wipe");
        assertRefused("Invalid value for option '--load-mode': 'fast' is not one of restore, rewrite",
                "run", "--source", CLOSED, "--target", CLOSED, "--load-mode", "fast");
        assertRefused("Invalid value for option '--exactly-once': 'yes' is not one of on, off",
                "run", "--source", CLOSED, "--target", CLOSED, "--exactly-once", "yes");
        assertRefused("Invalid value for option '--on-existing': 'keep' is not one of fail, skip, replace",
                "plan", "--source", CLOSED, "--target", CLOSED, "--on-existing", "keep");
        assertRefused("Invalid value for option '--sync-from': 'slave' is not one of replica, master",
                "verify", "--source", CLOSED, "--target", CLOSED, "--sync-from", "slave");
    }

    @Test
    void choicesAreWordsInAnyCase() {
        CommandLine line = Migrate.commandLine();
        line.parseArgs("run", "--source", CLOSED, "--target", CLOSED, "--flush", "Delete-Own-Keys", "--on-data-error", "SKIP",
                "--exactly-once", "off");
        RunCommand parsed = (RunCommand) line.getSubcommands().get("run").getCommand();
        assertEquals(io.slotferry.replay.FlushPolicy.DELETE_OWN_KEYS, parsed.flush);
        assertEquals(io.slotferry.write.DataErrorPolicy.SKIP, parsed.onDataError);
        assertEquals(OnOff.OFF, parsed.exactlyOnce);
        assertEquals(io.slotferry.load.LoadMode.RESTORE, parsed.loadMode, "the default");
    }

    @Test
    void syncFromIsOfferedOnlyWhereShardsAreDiscovered() {
        assertRefused("Unknown option: '--sync-from'", "tail", CLOSED, "--sync-from", "master");
        assertRefused("Unknown option: '--sync-from'", "rdb", "fetch", CLOSED, "out.rdb", "--sync-from", "master");
    }

    @Test
    void everyCommandSummaryIsAWholeSentence() {
        CommandLine top = Migrate.commandLine();
        top.getSubcommands().forEach((name, sub) -> {
            String[] description = sub.getCommandSpec().usageMessage().description();
            if (description.length > 0) {
                assertTrue(description[0].endsWith("."), name + ": " + description[0]);
            }
            sub.getSubcommands().forEach((n, s) -> {
                String[] d = s.getCommandSpec().usageMessage().description();
                assertTrue(d.length == 0 || d[0].endsWith("."), name + " " + n + ": " + (d.length > 0 ? d[0] : ""));
            });
        });
    }
}
