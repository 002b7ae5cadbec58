/** SCAN + DUMP as a replication source, for instances that refuse SYNC and PSYNC. */
package io.slotferry.replication.scan;
