package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.resp.RedisEndpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;

/** The target options as an operator types them, turned into an endpoint without connecting anywhere. */
class TargetOptionsTest {
    private static final String ELASTICACHE = "clustercfg.my-cache.abc123.use1.cache.amazonaws.com";

    /** A command that only mixes the options in, as the migrating commands do. */
    @Command(name = "probe", mixinStandardHelpOptions = true)
    static final class Probe implements Callable<Integer> {
        @Mixin
        TargetOptions target;

        @Override
        public Integer call() {
            target.endpoint();
            return 0;
        }
    }

    private final StringWriter err = new StringWriter();

    /** Parses like picocli does for a real command; the environment is {@code env} instead of the JVM's. */
    private TargetOptions parse(Map<String, String> env, String... args) {
        Probe probe = new Probe();
        CommandLine cl = new CommandLine(probe);
        cl.setErr(new PrintWriter(err, true));
        cl.parseArgs(args);
        probe.target.environment = env::get;
        return probe.target;
    }

    private TargetOptions parse(String... args) {
        return parse(Map.of(), args);
    }

    private static String refusal(TargetOptions options) {
        return assertThrows(CommandLine.ParameterException.class, options::endpoint).getMessage();
    }

    @Test
    void aUserInTheUriAndTheDefaultPortMakeATlsEndpointThatVerifiesTheHostName() {
        RedisEndpoint e = parse(Map.of(TargetOptions.PASSWORD_ENV, "s3cret-token"),
                "--target", "rediss://slotferry@" + ELASTICACHE).endpoint();
        assertEquals(ELASTICACHE, e.host());
        assertEquals(6379, e.port());
        assertEquals("slotferry", e.user());
        assertNotNull(e.tls());
        assertTrue(e.verifyHostname());
        assertEquals("s3cret-token", e.password().get());
        assertEquals("rediss://slotferry@" + ELASTICACHE + ":6379", e.toString());
    }

    @Test
    void targetUserSuppliesTheUserAndMustAgreeWithTheUri() {
        Map<String, String> env = Map.of(TargetOptions.PASSWORD_ENV, "pw");
        assertEquals("slotferry", parse(env, "--target", "redis://10.0.3.7:7000", "--target-user", "slotferry").endpoint().user());
        assertEquals("slotferry", parse(env, "--target", "redis://slotferry@10.0.3.7", "--target-user", "slotferry").endpoint().user());
        String conflict = refusal(parse(env, "--target", "redis://alice@10.0.3.7", "--target-user", "bob"));
        assertTrue(conflict.contains("alice") && conflict.contains("bob"), conflict);
    }

    @Test
    void withoutUserOrPasswordNoAuthIsSentAndPlainTcpIsUsed() {
        RedisEndpoint e = parse("--target", "redis://10.0.3.7:7000").endpoint();
        assertNull(e.user());
        assertNull(e.password());
        assertNull(e.tls());
        assertEquals(RedisEndpoint.plain("10.0.3.7", 7000), e);
    }

    @Test
    void aNamedUserWithoutAPasswordIsRefusedRatherThanSilentlyBeingTheDefaultUser() {
        String message = refusal(parse("--target", "rediss://slotferry@" + ELASTICACHE));
        assertTrue(message.contains(TargetOptions.PASSWORD_ENV), message);
    }

    @Test
    void anIpv6AddressInBracketsIsReachedWithoutTheBrackets() {
        RedisEndpoint e = parse("--target", "rediss://[::1]:7001").endpoint();
        assertEquals("::1", e.host());
        assertEquals(7001, e.port());
        assertEquals("rediss://[::1]:7001", e.toString());
        assertEquals(6379, parse("--target", "redis://[fd00::2]").endpoint().port());
    }

    @Test
    void aPasswordInTheUriIsRefusedWithoutRepeatingIt() {
        for (String uri : new String[] {"redis://slotferry:hunter2@10.0.3.7:6379", "rediss://:hunter2@" + ELASTICACHE,
                "redis://u:hunter2#x@host", "redis://u:hun ter2@host", "redis://u%3Ahunter2@host", "slotferry:hunter2@host:6379"}) {
            String message = refusal(parse("--target", uri));
            assertFalse(message.contains("hunter2"), message);
            assertTrue(message.contains(TargetOptions.PASSWORD_ENV) && message.contains("--target-password-file"), message);
        }
    }

    @Test
    void anythingButRedisOrRedissHostPortIsRefusedWithTheExpectedForm() {
        for (String uri : new String[] {ELASTICACHE + ":6379", "http://host:6379", "redis://", "redis://host:6379/0",
                "redis://host:6379?timeout=5", "redis://host:0", "redis://host:70000", "redis://host:port", "redis:host"}) {
            String message = refusal(parse("--target", uri));
            assertTrue(message.contains("redis://[user@]host:port") || message.contains("port must be"), uri + ": " + message);
        }
        assertTrue(refusal(parse("--target", ELASTICACHE + ":6379")).contains("e.g. redis://" + ELASTICACHE + ":6379"));
    }

    @Test
    void aMissingOrWrongTargetIsAUsageErrorExitingTwo() {
        for (String[] args : new String[][] {{}, {"--target", "http://10.0.3.7"}, {"--target", "redis://u:hunter2@h"}}) {
            StringWriter out = new StringWriter();
            CommandLine cl = new CommandLine(new Probe());
            cl.setErr(new PrintWriter(out, true));
            assertEquals(2, cl.execute(args));
            assertTrue(out.toString().contains("--target"), out.toString());
            assertFalse(out.toString().contains("hunter2"), out.toString());
        }
    }

    @Test
    void thePasswordFileIsReadWhenNeededWithoutItsTrailingLineBreakAndWinsOverTheEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("target-password");
        Files.writeString(file, " pass word \r\n", StandardCharsets.UTF_8);
        Map<String, String> env = Map.of(TargetOptions.PASSWORD_ENV, "from-env");
        TargetOptions options = parse(env, "--target", "redis://slotferry@10.0.3.7", "--target-password-file", file.toString());
        RedisEndpoint e = options.endpoint();
        Files.writeString(file, "rotated\n", StandardCharsets.UTF_8);
        assertEquals("rotated", e.password().get(), "read at AUTH time, not when parsed");
        assertTrue(options.describe().contains(TargetOptions.PASSWORD_ENV + " ignored"), options.describe());
        Files.writeString(file, " pass word \r\n", StandardCharsets.UTF_8);
        assertEquals(" pass word ", e.password().get(), "spaces belong to the password");
        assertEquals("from-env", parse(env, "--target", "redis://10.0.3.7").endpoint().password().get());
    }

    @Test
    void anUnreadableOrEmptyPasswordFileIsAClearError(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope");
        UncheckedIOException absent = assertThrows(UncheckedIOException.class,
                () -> parse("--target", "redis://10.0.3.7", "--target-password-file", missing.toString()).endpoint());
        assertEquals("cannot read --target-password-file " + missing + ": no such file", absent.getCause().getMessage());
        UncheckedIOException directory = assertThrows(UncheckedIOException.class,
                () -> parse("--target", "redis://10.0.3.7", "--target-password-file", dir.toString()).endpoint());
        assertTrue(directory.getCause().getMessage().contains("directory"), directory.getCause().getMessage());
        Path empty = Files.writeString(dir.resolve("empty"), "\n", StandardCharsets.UTF_8);
        RedisEndpoint e = parse("--target", "redis://10.0.3.7", "--target-password-file", empty.toString()).endpoint();
        String message = assertThrows(IllegalArgumentException.class, () -> e.password().get()).getMessage();
        assertTrue(message.contains("is empty"), message);
    }

    @Test
    void aCaCertificateNeedsRediss(@TempDir Path dir) {
        String ca = dir.resolve("ca.pem").toString();
        assertTrue(refusal(parse("--target", "redis://10.0.3.7", "--target-cacert", ca)).contains("--target-cacert needs rediss://"));
        assertTrue(refusal(parse("--target", "redis://10.0.3.7", "--target-tls-insecure")).contains("needs rediss://"));
        assertTrue(refusal(parse("--target", "rediss://10.0.3.7", "--target-cacert", ca, "--target-tls-insecure"))
                .contains("contradict"));
        UncheckedIOException missing = assertThrows(UncheckedIOException.class,
                () -> parse("--target", "rediss://10.0.3.7", "--target-cacert", ca).endpoint());
        assertEquals("cannot use --target-cacert " + ca + ": no such file", missing.getCause().getMessage());
    }

    @Test
    void insecureTlsPrintsAWarningEachTimeAndTurnsHostNameVerificationOff() {
        TargetOptions options = parse("--target", "rediss://10.0.3.7:7000", "--target-tls-insecure");
        RedisEndpoint e = options.endpoint();
        assertFalse(e.verifyHostname());
        assertNotNull(e.tls());
        options.endpoint();
        assertEquals(TargetOptions.INSECURE_WARNING + System.lineSeparator() + TargetOptions.INSECURE_WARNING
                + System.lineSeparator(), err.toString());
        assertTrue(err.toString().startsWith("WARNING: "));
        assertTrue(options.describe().contains("TLS NOT VERIFIED"), options.describe());
    }

    @Test
    void describeSaysHowTheTargetIsReachedAndNeverShowsThePassword(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of(TargetOptions.PASSWORD_ENV, "hunter2");
        TargetOptions options = parse(env, "--target", "rediss://" + ELASTICACHE, "--target-user", "slotferry");
        assertEquals("rediss://slotferry@" + ELASTICACHE + ":6379 (TLS verified by the JVM trust store, password from "
                + TargetOptions.PASSWORD_ENV + ")", options.describe());
        RedisEndpoint e = options.endpoint();
        for (Object shown : new Object[] {options.describe(), options, e, e.password()}) {
            assertFalse(String.valueOf(shown).contains("hunter2"), String.valueOf(shown));
        }
        assertEquals("redis://10.0.3.7:6379 (plain TCP, no password)", parse("--target", "redis://10.0.3.7").describe());
    }

    @Test
    void everyOptionTeachesWithAnExample() {
        CommandLine cl = new CommandLine(new Probe());
        for (OptionSpec option : cl.getCommandSpec().options()) {
            if (option.longestName().startsWith("--target")) {
                String description = String.join(" ", option.description());
                int example = description.indexOf("Example: --target");
                assertTrue(example >= 0 && description.indexOf(option.longestName(), example) > 0, description);
            }
        }
        // The usage wraps long words at the column's edge; the example is there once rejoined.
        assertTrue(cl.getUsageMessage().replaceAll("\\s+", "").contains("--targetrediss://slotferry@" + ELASTICACHE + ":6379"));
    }
}
