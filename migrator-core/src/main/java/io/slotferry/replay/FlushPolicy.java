package io.slotferry.replay;

/** What a replicated {@code FLUSHDB}/{@code FLUSHALL} does ({@code --flush}); one source's flush never wipes another's keys. */
public enum FlushPolicy {
    /** Stop the worker with an error (default): the operator decides. */
    STOP,
    /** Delete only the keys this worker's source owns (found with SCAN on every primary and the ownership rule). */
    DELETE_OWN_KEYS,
    /** Skip it, with a warning and a counter. */
    IGNORE;
}
