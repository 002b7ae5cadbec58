package io.slotferry.lease;

/** An instance is leased by another process, or a lease this process held was lost: the message names the holder. */
public final class LeaseException extends Exception {
    private final String instance;

    public LeaseException(String instance, String message) {
        super(message);
        this.instance = instance;
    }

    /** The source instance whose lease is in question. */
    public String instance() {
        return instance;
    }
}
