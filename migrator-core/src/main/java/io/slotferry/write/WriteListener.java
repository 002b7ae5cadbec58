package io.slotferry.write;

/** Told about each write's outcome, on the writer's threads (keep it cheap and thread-safe). */
public interface WriteListener {
    /** The target acknowledged {@code write}. */
    default void acknowledged(Write write) {
    }

    /** The target refused {@code write} with a data error; {@code reply} is the error text. */
    default void refused(Write write, String reply) {
    }

    /** Listens to nothing. */
    WriteListener NONE = new WriteListener() {
    };
}
