package io.slotferry.load;

/**
 * Which source keys are loaded, and under which name: the hook for a database mapping. A Redis Cluster
 * has database 0 only, so keys of other databases must be skipped or renamed.
 */
@FunctionalInterface
public interface KeyMapping {

    /**
     * The key to write on the target for {@code key} of source database {@code db}, or null to skip the
     * key (it is counted as {@link LoadStats.Snapshot#skippedOtherDb()}).
     */
    byte[] targetKey(int db, byte[] key);

    /** Keys of database {@code db} under their own name; every other database is skipped. */
    static KeyMapping onlyDatabase(int db) {
        return (source, key) -> source == db ? key : null;
    }
}
