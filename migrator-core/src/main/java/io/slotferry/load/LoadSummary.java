package io.slotferry.load;

import io.slotferry.rdb.ChecksumStatus;

/**
 * The outcome of a snapshot load, once the writer acknowledged everything.
 *
 * @param rdbVersion the file's RDB version
 * @param checksum   whether the file's CRC-64 was verified, disabled or absent
 * @param counts     keys read, written, skipped and failed; scripts, functions and module AUX met
 */
public record LoadSummary(int rdbVersion, ChecksumStatus checksum, LoadStats.Snapshot counts) {
}
