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

    /** A number as an argument, in decimal (written as bytes: no String, on the path of every replayed TTL). */
    public static byte[] number(long n) {
        if (n == Long.MIN_VALUE) {
            return Long.toString(n).getBytes(StandardCharsets.US_ASCII); // no positive value to take its digits from
        }
        int sign = n < 0 ? 1 : 0;
        long v = Math.abs(n);
        int length = sign + 1;
        for (long rest = v / 10; rest > 0; rest /= 10) {
            length++;
        }
        byte[] out = new byte[length];
        for (int i = length - 1; i >= sign; i--, v /= 10) {
            out[i] = (byte) ('0' + v % 10);
        }
        if (sign == 1) {
            out[0] = '-';
        }
        return out;
    }
}
