package io.slotferry.write;

/** Told about each write's outcome, on the writer's threads (keep it cheap and thread-safe). */
public interface WriteListener {
    /** The target acknowledged {@code write}. */
    default void acknowledged(Write write) {
    }

    /** The target refused {@code write} with a data error; {@code reply} is the error text. */
    default void refused(Write write, String reply) {
    }

    /**
     * Whether a data error is an outcome the writer asked for (a RESTORE without REPLACE meeting an existing
     * key): then it is neither a refusal nor a reason to stop; the listener counts it. Asked before {@link #refused}.
     */
    default boolean expected(Write write, String reply) {
        return false;
    }

    /** Listens to nothing. */
    WriteListener NONE = new WriteListener() {
    };
}
