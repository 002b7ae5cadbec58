package io.slotferry.load;

import java.util.Locale;

/** What a fresh run does about keys the target already holds ({@code --on-existing}). */
public enum OnExisting {
    /** Refuse to start while the target holds keys other than slotferry's own bookkeeping (the default). */
    FAIL,
    /** Load without overwriting: RESTORE without REPLACE, an existing key is left alone and counted. */
    SKIP,
    /** Overwrite keys of the same name (RESTORE ... REPLACE). */
    REPLACE;

    /** The option's word. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
