package io.slotferry.filter;

/** A key that had to be copied again from the source could not be: the source refused, or the target cannot hold it. */
public final class CopyException extends Exception {
    public CopyException(String message) {
        super(message);
    }

    public CopyException(String message, Throwable cause) {
        super(message, cause);
    }
}
