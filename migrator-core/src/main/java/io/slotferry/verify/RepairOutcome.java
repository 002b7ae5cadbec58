package io.slotferry.verify;

import java.util.Locale;

/** What {@code migrate verify --repair} did about one key found different. */
public enum RepairOutcome {
    /** Copied again from the source (or deleted from the target), then compared equal. */
    REPAIRED,
    /** Equal when re-checked right before the repair (the copy caught up): nothing written. */
    SETTLED,
    /** The key changed on the source or the target while it was repaired: not forced, compare it again later. */
    BUSY,
    /** The source's value is bigger than the repair's size limit: left as is. */
    TOO_BIG,
    /** The target cannot restore the source's value and it cannot be rewritten as commands (a stream, a module type): left as is. */
    UNRESTORABLE,
    /** A slotferry bookkeeping key ({@code slotferry:*}): never deleted. */
    KEPT,
    /** The target refused the write (the reply is in the detail). */
    FAILED;

    /** Lower-case name with a dash, for reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True when the key ends equal on both sides. */
    public boolean resolved() {
        return this == REPAIRED || this == SETTLED;
    }
}
