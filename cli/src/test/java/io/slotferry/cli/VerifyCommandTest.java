package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code migrate verify}'s command line without servers: what it refuses, and its help. */
class VerifyCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int migrate(String... args) {
        CommandLine cl = Migrate.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void anRdbSourceIsRefusedAsAUsageError() {
        int code = migrate("verify", "--source", "rdb:/tmp/dump.rdb", "--target", "redis://127.0.0.1:1");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("verify compares live instances"), err.toString());
    }

    @Test
    void anUnknownModeIsRefusedNamingTheAcceptedOnes() {
        int code = migrate("verify", "--source", "redis://127.0.0.1:1", "--target", "redis://127.0.0.1:1", "--mode", "quick");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("Invalid value for option '--mode': 'quick' is not one of counts, sample, full"),
                err.toString());
    }

    @Test
    void aPasswordInTheSourceUriIsRefusedWithoutRepeatingIt() {
        int code = migrate("verify", "--source", "redis://u:s3cret@127.0.0.1:1", "--target", "redis://127.0.0.1:1");
        assertEquals(2, code, err.toString());
        assertTrue(!err.toString().contains("s3cret"), err.toString());
    }

    @Test
    void repairInCountsModeIsRefusedAsAUsageError() {
        int code = migrate("verify", "--source", "redis://127.0.0.1:1", "--target", "redis://127.0.0.1:1", "--repair");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("--repair compares key by key"), err.toString());
    }

    @Test
    void theHelpExplainsEveryOptionWithAnExample() {
        assertEquals(0, migrate("verify", "--help"));
        String help = out.toString().replaceAll("\\s+", " "); // picocli wraps long lines
        for (String option : new String[] {"--mode", "--sample", "--ttl-tolerance-ms", "--report", "--max-ops", "--db-map",
            "--repair", "--repair-max-bytes"}) {
            assertTrue(help.contains(option), option);
        }
        assertTrue(help.contains("Example: --ttl-tolerance-ms 5000") && help.contains("Example: --max-ops 5000"), help);
        assertEquals(0, migrate("--help"));
        assertTrue(out.toString().contains("verify"), out.toString());
    }
}
