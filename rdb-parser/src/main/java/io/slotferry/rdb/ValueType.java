package io.slotferry.rdb;

/** The logical Redis type of a value, as {@code TYPE key} reports it. */
public enum ValueType {
    STRING, LIST, SET, ZSET, HASH, STREAM, MODULE;

    /** Lower-case name as Redis' TYPE command and the dump format use it. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
