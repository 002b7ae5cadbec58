package io.slotferry.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Durations as operators write them: {@code 500ms}, {@code 1s}, {@code 1.5s}, {@code 2m}, {@code 1h}, or
 * ISO-8601 ({@code PT1S}); never negative or zero, except that {@link OrZero} also takes 0 where 0 turns
 * something off.
 */
final class DurationText implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(?:\\.(\\d{1,3}))?(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        Duration d = read(value);
        if (d.isNegative() || d.isZero()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a positive duration");
        }
        return d;
    }

    /** For an option where 0 turns something off ({@code --ttl-grace 0}): 0, or a duration as above. */
    static final class OrZero implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = value.trim().equals("0") ? Duration.ZERO : read(value);
            if (d.isNegative()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is negative");
            }
            return d;
        }
    }

    private static Duration read(String value) {
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
        return d;
    }
}
