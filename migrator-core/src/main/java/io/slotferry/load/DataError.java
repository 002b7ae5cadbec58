package io.slotferry.load;

/** Thrown by a rewriter when the key cannot be written faithfully; the loader undoes and reports it. */
final class DataError extends Exception {
    private static final long serialVersionUID = 1L;

    DataError(String message) {
        super(message);
    }
}
