package io.slotferry.replay;

import java.util.Locale;

/** What a replicated {@code FLUSHDB}/{@code FLUSHALL} does ({@code --flush}); one source's flush never wipes another's keys. */
public enum FlushPolicy {
    /** Stop the worker with an error (default): the operator decides. */
    STOP,
    /** Delete only the keys this worker's source owns (found with SCAN on every primary and the ownership rule). */
    DELETE_OWN_KEYS,
    /** Skip it, with a warning and a counter. */
    IGNORE;

    public static FlushPolicy parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "stop" -> STOP;
            case "delete-own-keys" -> DELETE_OWN_KEYS;
            case "ignore" -> IGNORE;
            default -> throw new IllegalArgumentException("--flush '" + text + "' is not understood: use stop (default), delete-own-keys or ignore");
        };
    }
}
