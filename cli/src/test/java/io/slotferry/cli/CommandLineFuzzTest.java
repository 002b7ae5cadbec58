package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Hundreds of random command lines, each valid but for one mistake (an unknown or misspelt option or
 * command, a value out of range or of the wrong kind, a missing value): every one exits 2 naming what
 * is wrong, in a few lines, with no stack trace; none exits 0 and none reaches the network (the
 * sources and targets are closed ports: a connection attempt would fail with another exit code).
 */
class CommandLineFuzzTest {
    private static final String CLOSED = "redis://127.0.0.1:1";

    /** Base command lines, valid as they are. */
    private static final Map<String, List<String>> BASES = Map.of(
            "run", List.of("run", "--source", CLOSED, "--target", CLOSED),
            "plan", List.of("plan", "--source", CLOSED, "--target", CLOSED),
            "verify", List.of("verify", "--source", CLOSED, "--target", CLOSED),
            "status", List.of("status", "--state-dir", "/nonexistent/state"),
            "tail", List.of("tail", CLOSED),
            "rdb fetch", List.of("rdb", "fetch", CLOSED, "/nonexistent/out.rdb"),
            "rdb dump", List.of("rdb", "dump", "/nonexistent/dump.rdb"),
            "rdb inspect", List.of("rdb", "inspect", "/nonexistent/dump.rdb"),
            "rdb scan", List.of("rdb", "scan", "/nonexistent/dump.rdb"));

    /** Options with values that are always wrong for them. */
    private static final Map<String, Map<String, List<String>>> BAD_VALUES = Map.of(
            "run", Map.ofEntries(
                    Map.entry("--max-ops", List.of("-5", "-1", "abc", "1.5", "99999999999999999999")),
                    Map.entry("--max-bytes", List.of("-1", "ten", "1e3")),
                    Map.entry("--max-in-flight-bytes", List.of("-1", "0", "12")),
                    Map.entry("--big-value-bytes", List.of("-1", "0", "8MB")),
                    Map.entry("--metrics-port", List.of("99999", "-5", "65536", "http", "70000")),
                    Map.entry("--progress-interval", List.of("-1s", "0", "0s", "5x", "1.5ms", "soon", "PT-1S")),
                    Map.entry("--load-mode", List.of("fast", "RESTOR", "")),
                    Map.entry("--on-data-error", List.of("ignore", "continue")),
                    Map.entry("--flush", List.of("delete", "yes")),
                    Map.entry("--cross-slot-scripts", List.of("allow", "split")),
                    Map.entry("--exactly-once", List.of("yes", "true", "1")),
                    Map.entry("--db-map", List.of("only", "only:x", "prefix:db", "prefix:{%d}:", "all")),
                    Map.entry("--sync-from", List.of("slave", "primary"))),
            "plan", Map.of(
                    "--big-value-bytes", List.of("-1", "0", "big"),
                    "--db-map", List.of("only:", "everything"),
                    "--sync-from", List.of("any")),
            "verify", Map.of(
                    "--mode", List.of("quick", "all"),
                    "--sample", List.of("-1", "0", "many"),
                    "--max-ops", List.of("-5", "x"),
                    "--rechecks", List.of("-1", "1000"),
                    "--recheck-delay-ms", List.of("-1", "1s"),
                    "--ttl-tolerance-ms", List.of("-1", "1s"),
                    "--examples", List.of("-1", "lots"),
                    "--db-map", List.of("merge:1", "prefix:%d%d:")),
            "tail", Map.of("--duration", List.of("-5s", "0", "forever", "1.5ms")),
            "rdb fetch", Map.of("--timeout", List.of("-1s", "0", "never")),
            "rdb dump", Map.of("--format", List.of("json", "csv")),
            "rdb inspect", Map.of("--top", List.of("-1", "x", "99999999999")),
            "rdb scan", Map.of("--mode", List.of("fast", "both")),
            "status", Map.of());

    private record Outcome(int exit, String out, String err) {
    }

    private static Outcome run(List<String> args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            CommandLine cl = Migrate.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int exit = cl.execute(args.toArray(String[]::new));
            return new Outcome(exit, out + stdout.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(oldOut);
        }
    }

    /** Every option name of a command (for telling a misspelling from a real option). */
    private static Set<String> optionNames(List<String> base) {
        CommandLine c = Migrate.commandLine();
        for (String word : base) {
            CommandLine sub = c.getSubcommands().get(word);
            if (sub == null) {
                break;
            }
            c = sub;
        }
        Set<String> names = new HashSet<>();
        c.getCommandSpec().options().forEach(o -> names.addAll(Arrays.asList(o.names())));
        return names;
    }

    private static String misspell(String word, Random random) {
        StringBuilder b = new StringBuilder(word);
        int at = 2 + random.nextInt(Math.max(1, word.length() - 2));
        switch (random.nextInt(4)) {
            case 0 -> b.deleteCharAt(Math.min(at, b.length() - 1));
            case 1 -> b.insert(Math.min(at, b.length()), (char) ('a' + random.nextInt(26)));
            case 2 -> {
                int i = Math.min(at, b.length() - 2);
                char c = b.charAt(i);
                b.setCharAt(i, b.charAt(i + 1));
                b.setCharAt(i + 1, c);
            }
            default -> b.setCharAt(Math.min(at, b.length() - 1), (char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    @Test
    void everyMalformedCommandLineExitsTwoNamingTheMistakeWithoutAStackTrace() {
        long seed = Long.getLong("slotferry.fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        List<String> commands = new ArrayList<>(BASES.keySet());
        commands.sort(null);
        for (int i = 0; i < 300; i++) {
            String command = commands.get(random.nextInt(commands.size()));
            List<String> args = new ArrayList<>(BASES.get(command));
            String named;
            Map<String, List<String>> bad = BAD_VALUES.get(command);
            int kind = bad.isEmpty() ? random.nextInt(2) : random.nextInt(5);
            List<String> options = new ArrayList<>(bad.keySet());
            options.sort(null);
            if (kind == 0) {
                Set<String> known = optionNames(args);
                List<String> real = new ArrayList<>(known.stream().filter(n -> n.startsWith("--")).sorted().toList());
                String typo;
                do {
                    typo = misspell(real.get(random.nextInt(real.size())), random);
                } while (known.contains(typo) || !typo.startsWith("-") || typo.equals("--") || typo.matches("-\\d.*"));
                named = typo;
                args.add(1 + random.nextInt(args.size()), typo);
                if (random.nextBoolean()) {
                    args.add(args.indexOf(typo) + 1, "value");
                }
            } else if (kind == 1 && args.size() > 0 && !command.startsWith("rdb")) {
                String typo;
                do {
                    typo = misspell(args.get(0), random);
                } while (BASES.containsKey(typo) || typo.equals("rdb") || typo.equals("help") || typo.equals("demo"));
                args.set(0, typo);
                named = typo;
            } else if (kind == 2) {
                String option = options.get(random.nextInt(options.size()));
                args.add(option); // its value missing, at the end
                named = option;
            } else {
                String option = options.get(random.nextInt(options.size()));
                List<String> values = bad.get(option);
                String value = values.get(random.nextInt(values.size()));
                if (random.nextBoolean()) {
                    args.add(option + "=" + value);
                } else {
                    args.add(option);
                    args.add(value);
                }
                named = option;
            }
            Outcome o = run(args);
            String context = "seed " + seed + " (rerun with -Dtest.jvm.args=-Dslotferry.fuzz.seed=" + seed + "), case " + i + ": migrate " + String.join(" ", args)
                    + "\nexit " + o.exit() + "\nstdout: " + o.out() + "\nstderr: " + o.err();
            assertEquals(2, o.exit(), context);
            assertTrue(o.err().contains(named), "names " + named + "; " + context);
            assertTrue(!o.err().contains("\tat ") && !o.err().contains("Exception"), "no stack trace; " + context);
            assertTrue(o.err().lines().count() <= 4, "a few lines, not the help; " + context);
            assertTrue(o.out().isEmpty(), "nothing on stdout; " + context);
        }
    }
}
