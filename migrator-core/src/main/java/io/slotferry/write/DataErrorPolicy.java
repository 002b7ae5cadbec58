package io.slotferry.write;

/** What a data error ({@code WRONGTYPE}, {@code BUSYKEY}, {@code OOM}, a rejected payload) does. */
public enum DataErrorPolicy {
    /** Count it, log it with the key, and stop the writer (default: nothing is lost silently). */
    STOP,
    /** Count it, log it with the key, and go on. */
    SKIP
}
