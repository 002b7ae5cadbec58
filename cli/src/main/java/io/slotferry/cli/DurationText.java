package io.slotferry.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Durations as operators write them: {@code 500ms}, {@code 1s}, {@code 1.5s}, {@code 2m}, {@code 1h}, or
 * ISO-8601 ({@code PT1S}); never negative or zero.
 */
final class DurationText implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(?:\\.(\\d{1,3}))?(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Duration d;
        Matcher m = SHORT.matcher(v);
        if (m.matches()) {
            long whole = Long.parseLong(m.group(1));
            String fraction = m.group(2) == null ? "" : m.group(2);
            long unitMs = switch (m.group(3)) {
                case "ms" -> 1;
                case "s" -> 1000;
                case "m" -> 60_000;
                default -> 3_600_000;
            };
            if (unitMs == 1 && !fraction.isEmpty()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: no fractions of ms");
            }
            long fractionMs = fraction.isEmpty() ? 0 : Long.parseLong((fraction + "00").substring(0, 3)) * unitMs / 1000;
            d = Duration.ofMillis(whole * unitMs + fractionMs);
        } else {
            try {
                d = Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (examples: 500ms, 1s, 2m, PT1S)");
            }
        }
        if (d.isNegative() || d.isZero()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a positive duration");
        }
        return d;
    }
}
