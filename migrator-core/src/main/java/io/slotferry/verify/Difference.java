package io.slotferry.verify;

import io.slotferry.resp.KeyText;

/**
 * One key that stayed different through every re-check.
 *
 * @param kind      what differs
 * @param source    the source instance's name ({@code "target"} for an extra key: its owner is unknown)
 * @param db        the source database (-1 when not known)
 * @param sourceKey the key as the source names it
 * @param targetKey the key as the target names it
 * @param detail    what differs, with values shown safely (printable ASCII, other bytes as {@code \xNN})
 */
public record Difference(DiffKind kind, String source, int db, byte[] sourceKey, byte[] targetKey, String detail) {

    /** The target key for display: printable ASCII as is, other bytes as {@code \xNN}, quoted. */
    public String shownKey() {
        return KeyText.printable(targetKey);
    }

    /** The target key in hexadecimal, for exact reproduction. */
    public String hexKey() {
        StringBuilder s = new StringBuilder(targetKey.length * 2);
        for (byte b : targetKey) {
            s.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return s.toString();
    }
}
