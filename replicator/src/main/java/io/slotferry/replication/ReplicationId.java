package io.slotferry.replication;

import java.util.regex.Pattern;

/**
 * A master's replication id (PSYNC2, Redis 4.0+) or run id (PSYNC1, 2.8-3.2): 40 hex characters.
 * {@link #NONE} stands for "no id" (SYNC, a file or a SCAN snapshot), which cannot be resumed.
 */
public record ReplicationId(String value) {
    private static final Pattern HEX40 = Pattern.compile("[0-9a-fA-F]{40}");

    /** No replication id: the data did not come from a PSYNC session. */
    public static final ReplicationId NONE = new ReplicationId("?");

    public ReplicationId {
        if (!value.equals("?") && !HEX40.matcher(value).matches()) {
            throw new IllegalArgumentException("a replication id is 40 hex characters, got '" + value + "'");
        }
    }

    public boolean isNone() {
        return value.equals("?");
    }

    @Override
    public String toString() {
        return value;
    }
}
