package io.slotferry.translate;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Command words and numbers of this package's translations: ASCII on the wire, keys and values stay bytes. */
final class Ascii {
    private Ascii() {
    }

    static String upper(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] number(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}
