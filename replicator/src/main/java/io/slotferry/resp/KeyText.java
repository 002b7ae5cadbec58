package io.slotferry.resp;

/** Keys (and other binary names) in messages: printable ASCII as is, other bytes as {@code \xNN}, long ones cut. */
public final class KeyText {
    private static final int SHOWN = 200;

    private KeyText() {
    }

    /** {@code "user:\x01"}: quoted, escaped, cut after 200 bytes with the full length noted. */
    public static String printable(byte[] key) {
        return printable(key, '"');
    }

    /** The same between {@code quote} characters (which are escaped inside). */
    public static String printable(byte[] key, char quote) {
        StringBuilder s = new StringBuilder(Math.min(key.length, SHOWN) + 2).append(quote);
        int shown = Math.min(key.length, SHOWN);
        for (int i = 0; i < shown; i++) {
            int b = key[i] & 0xff;
            if (b >= 32 && b < 127 && b != quote && b != '\\') {
                s.append((char) b);
            } else {
                s.append(String.format("\\x%02x", b));
            }
        }
        if (shown < key.length) {
            s.append("...(").append(key.length).append(" bytes)");
        }
        return s.append(quote).toString();
    }
}
