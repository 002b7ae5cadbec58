package io.slotferry.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * How a wrong command line is answered: one line naming what is wrong (an unknown option or command
 * with the closest known one, an option with a bad value), a pointer to {@code --help}, exit 2; never
 * the whole help text.
 */
final class CommandLineMistakes implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine line = ex.getCommandLine();
        CommandLine command = deepest(line, args);
        PrintWriter err = line.getErr();
        String unknown = unknownOption(command, args);
        int depth = depth(command);
        String message;
        if (!command.getSubcommands().isEmpty() && args.length > depth && !args[depth].startsWith("-")) {
            String word = args[depth];
            List<String> names = new ArrayList<>(command.getSubcommands().keySet());
            String near = closest(word, names);
            message = "Unknown command: '" + word + "'" + (near != null ? " (did you mean " + near + "?)"
                    : " (commands: " + String.join(", ", names) + ")");
        } else if (unknown != null) {
            message = unknown;
        } else if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String word = u.getUnmatched().get(0);
            List<String> names = new ArrayList<>(command.getSubcommands().keySet());
            String near = closest(word, names);
            message = (names.isEmpty() ? "Unexpected argument: '" + word + "'" : "Unknown command: '" + word + "'")
                    + (near != null ? " (did you mean " + near + "?)" : names.isEmpty() ? "" : " (commands: " + String.join(", ", names) + ")");
        } else {
            message = ex.getMessage();
        }
        err.println(command.getCommandSpec().qualifiedName() + ": " + message);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for its options.");
        err.flush();
        return 2;
    }

    /** The subcommand the leading arguments name (run, rdb dump ...), or the top command. */
    private static CommandLine deepest(CommandLine line, String[] args) {
        CommandLine at = line;
        while (at.getParent() != null) {
            at = at.getParent(); // the exception may come from a subcommand: walk from the top again
        }
        for (String a : args) {
            CommandLine sub = at.getSubcommands().get(a);
            if (sub == null) {
                break;
            }
            at = sub;
        }
        return at;
    }

    /** How many leading arguments name commands ({@code rdb dump} = 2). */
    private static int depth(CommandLine command) {
        int n = 0;
        for (CommandLine c = command; c.getParent() != null; c = c.getParent()) {
            n++;
        }
        return n;
    }

    /** "Unknown option: '--sorce' (did you mean --source?)" for the first option the command does not have, else null. */
    static String unknownOption(CommandLine command, String[] args) {
        CommandSpec spec = command.getCommandSpec();
        for (int i = depth(command); i < args.length; i++) {
            String a = args[i];
            if ("--".equals(a)) {
                return null;
            }
            if (!a.startsWith("-") || a.equals("-") || a.matches("-\\d.*")) {
                continue; // a value or a negative number
            }
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            OptionSpec option = spec.findOption(name);
            if (option == null) {
                return unknown(spec, name);
            }
            if (!a.contains("=") && option.arity().max() > 0) {
                i++; // its value; one that looks like an option nobody has is a misplaced one
                if (i < args.length && args[i].startsWith("--") && spec.findOption(args[i].split("=", 2)[0]) == null) {
                    return unknown(spec, args[i].split("=", 2)[0]);
                }
            }
        }
        return null;
    }

    private static String unknown(CommandSpec spec, String name) {
        List<String> names = new ArrayList<>();
        spec.options().forEach(o -> names.addAll(List.of(o.names())));
        String near = closest(name, names);
        return "Unknown option: '" + name + "'" + (near != null ? " (did you mean " + near + "?)" : "");
    }

    /** The known word closest to {@code word} when it is close enough to be a typo, else null. */
    static String closest(String word, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String w = word.toLowerCase(Locale.ROOT);
        for (String k : known) {
            int d = distance(w, k.toLowerCase(Locale.ROOT));
            if (k.startsWith(w) && w.replace("-", "").length() >= 2) {
                d = Math.min(d, 1); // a prefix: --state for --state-dir
            }
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        int bare = w.replaceFirst("^-+", "").length();
        return best != null && bestDistance <= Math.max(1, Math.min(3, bare / 3)) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
