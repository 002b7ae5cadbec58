package io.slotferry.load;

import java.io.IOException;

/**
 * A key could not be loaded faithfully (a data error: a module value on the rewrite path, hash-field TTLs
 * on a target without them, ...) and {@link io.slotferry.write.DataErrorPolicy#STOP} is in force.
 */
public class LoadException extends IOException {
    private static final long serialVersionUID = 1L;

    public LoadException(String message) {
        super(message);
    }
}
