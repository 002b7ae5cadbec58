package io.slotferry.filter;

import java.util.Locale;

/** Which filter left a key out: what status, metrics and summaries count it under. */
public enum LeftOut {
    /** {@code --include} was given and no include pattern matches the key. */
    INCLUDE,
    /** An {@code --exclude} pattern matches the key. */
    EXCLUDE,
    /** {@code --types} does not list the key's type. */
    TYPES;

    /** {@code include}, {@code exclude}, {@code types}: the name in status.json and the metrics. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
