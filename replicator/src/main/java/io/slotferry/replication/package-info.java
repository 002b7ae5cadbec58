/** Replication from a source instance: PSYNC/SYNC handshake, RDB spool, command stream (next issue). */
package io.slotferry.replication;
