package io.slotferry.replication;

/**
 * Where a stream stands: the replication id, the offset of the last byte applied (PSYNC asks for
 * {@code offset + 1}), and the database selected at that point (a resumed stream does not repeat
 * its SELECT).
 */
public record StreamPosition(ReplicationId replid, long offset, int db) {
}
