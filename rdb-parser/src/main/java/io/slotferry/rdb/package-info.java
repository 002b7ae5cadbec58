/** Streaming RDB parser: {@link io.slotferry.rdb.RdbReader} turns any RDB version 1-12 (and Valkey 80) into events. */
package io.slotferry.rdb;
