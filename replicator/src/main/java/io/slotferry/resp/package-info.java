/** The Redis wire protocol (RESP2): replies, commands, and incremental framing of the replication stream. */
package io.slotferry.resp;
