package io.slotferry.verify;

import java.util.Locale;

/** How deep {@code migrate verify} looks. */
public enum VerifyMode {
    /** Keys and keys with an expiry per source database, from a SCAN, against the target's totals per mapped database. */
    COUNTS,
    /** About N source keys (spread over the keyspace) and as many target keys compared key by key. */
    SAMPLE,
    /** Every source key compared with the target, and every target key checked for a source. */
    FULL;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
