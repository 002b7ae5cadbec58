package io.slotferry.replication.scan;

/** Whether a SCAN copy follows the source's changes after its walk, by keyspace notifications ({@link KeyspaceEvents}). */
public enum ScanFollow {
    /** Follows when {@code CONFIG GET notify-keyspace-events} shows the classes every change needs; one walk otherwise. */
    AUTO,
    /**
     * Follows also when {@code CONFIG GET} is refused (a managed service that sets {@code notify-keyspace-events} in
     * its own parameters): the operator vouches that the classes are on. A config that can be read and lacks them
     * still means one walk.
     */
    TRUST,
    /** One walk, never follows. */
    OFF
}
