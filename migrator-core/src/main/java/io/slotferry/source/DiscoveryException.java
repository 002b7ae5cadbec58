package io.slotferry.source;

import java.io.IOException;

/** The fleet cannot be discovered, or is in a state a migration must not start from (a pending Codis slot migration). */
public final class DiscoveryException extends IOException {
    public DiscoveryException(String message) {
        super(message);
    }

    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
