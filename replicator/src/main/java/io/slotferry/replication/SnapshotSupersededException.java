package io.slotferry.replication;

import java.io.IOException;

/**
 * A snapshot being read while it arrived was replaced by a newer full sync before its transfer
 * ended: what was read of it is incomplete, and the replica delivers the newer snapshot next.
 */
public final class SnapshotSupersededException extends IOException {
    public SnapshotSupersededException(String message) {
        super(message);
    }
}
