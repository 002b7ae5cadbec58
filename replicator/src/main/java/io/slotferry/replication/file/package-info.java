/** RDB files as a replication source: a snapshot read from disk or standard input. */
package io.slotferry.replication.file;
