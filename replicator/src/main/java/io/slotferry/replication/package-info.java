/** Replication from one source instance: handshake, RDB transfer, command stream, offsets, resume. */
package io.slotferry.replication;
