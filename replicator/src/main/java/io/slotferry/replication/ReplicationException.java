package io.slotferry.replication;

import java.io.IOException;

/**
 * The source refused or broke replication in a way retrying will not fix: wrong password, PSYNC
 * and SYNC both refused, a protocol violation. Transient conditions (connection loss,
 * {@code -LOADING}, {@code -NOMASTERLINK}) are retried with backoff and do not surface as this.
 */
public class ReplicationException extends IOException {
    private static final long serialVersionUID = 1L;

    public ReplicationException(String message) {
        super(message);
    }

    public ReplicationException(String message, Throwable cause) {
        super(message, cause);
    }
}
