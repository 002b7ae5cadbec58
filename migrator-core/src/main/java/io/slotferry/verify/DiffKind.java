package io.slotferry.verify;

import java.util.Locale;

/** What is different about one key. */
public enum DiffKind {
    /** On the source, not on the target. */
    MISSING,
    /** On the target, and its source key (reverse-mapped through the database mapping) is on no source. */
    EXTRA,
    /** On both, as different types. */
    TYPE,
    /** On both with the same type, different values (bytes, order, members, scores, fields, stream entries, groups, PEL). */
    VALUE,
    /** Same value, but the expiry differs beyond the tolerance, or one side has none. */
    TTL;

    /** Lower-case name for reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
