package io.slotferry.rdb;

/** What the 8-byte trailer after the EOF opcode said. */
public enum ChecksumStatus {
    /** The CRC-64 matched. */
    VALID,
    /** The trailer was zero: the server ran with {@code rdbchecksum no}. */
    DISABLED,
    /** RDB version below 5: files have no checksum. */
    ABSENT,
    /** A checksum is present but verification was switched off. */
    UNVERIFIED
}
