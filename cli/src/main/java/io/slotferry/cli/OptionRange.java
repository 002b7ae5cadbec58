package io.slotferry.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Numeric option values checked before anything connects: out of range is exit 2, naming the option. */
public final class OptionRange {
    private OptionRange() {
    }

    /** Refuses {@code value} outside {@code [min, max]}; {@code what} says what the option means. */
    public static void check(CommandSpec spec, String option, long value, long min, long max, String what) {
        if (value < min || value > max) {
            String range = max == Long.MAX_VALUE ? (min == 0 ? "0 or more" : min + " or more") : min + " to " + max;
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + value
                    + " (must be " + range + ": " + what + ")");
        }
    }
}
