package io.slotferry.write;

import java.io.IOException;

/** The writer stopped: a data error under {@link DataErrorPolicy#STOP}, or a fault it could not recover from. */
public class WriteException extends IOException {
    public WriteException(String message) {
        super(message);
    }

    public WriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
