package io.slotferry.checkpoint;

import java.io.IOException;

/** A state directory that cannot be used: unreadable checkpoint, another format, or written for another run. */
public final class CheckpointException extends IOException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
