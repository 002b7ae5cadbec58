package io.slotferry.replication.scan;

import io.slotferry.replication.ReplicationException;

/**
 * A {@code DUMP} reply the source sent cannot be used: its CRC-64 does not match, it is too short,
 * or its type byte is not a value type this version knows. Retrying would fetch the same bytes.
 */
public final class DumpPayloadException extends ReplicationException {
    private static final long serialVersionUID = 1L;

    private final byte[] key;

    public DumpPayloadException(byte[] key, String message) {
        super(message);
        this.key = key.clone();
    }

    /** The key whose payload was rejected. */
    public byte[] key() {
        return key.clone();
    }
}
