package io.slotferry.source;

import java.util.Locale;

/** Which server of a shard a worker replicates from: a healthy replica spares the master the full sync's fork. */
public enum SyncFrom {
    /** A replica whose link to the master is up, when there is one; the master otherwise. */
    REPLICA,
    /** Always the master. */
    MASTER;

    /** {@code replica} or {@code master}. */
    public static SyncFrom parse(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "replica":
                return REPLICA;
            case "master":
                return MASTER;
            default:
                throw new IllegalArgumentException("--sync-from must be replica or master, not '" + text + "'");
        }
    }
}
