package io.slotferry.routing;

import java.io.IOException;

/** The target's cluster topology is unusable: slots without a primary, or a malformed reply. */
public final class TopologyException extends IOException {
    private static final long serialVersionUID = 1L;

    public TopologyException(String message) {
        super(message);
    }
}
