package io.slotferry.resp;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Command words and numbers in an argv: ASCII on the wire, while keys and values stay bytes. The one
 * home of these conversions for every stage that builds or reads commands. A byte outside ASCII in a
 * command word decodes to U+FFFD, so it matches no command name.
 */
public final class Ascii {
    private Ascii() {
    }

    /** A command word as upper-case text ({@code set} → {@code "SET"}), for comparing names. */
    public static String upper(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
    }

    /** A command word as lower-case text ({@code SET} → {@code "set"}), as the command table names them. */
    public static String lower(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
    }

    /** A command word or other ASCII text as an argument. */
    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A number as an argument, in decimal. */
    public static byte[] number(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}
