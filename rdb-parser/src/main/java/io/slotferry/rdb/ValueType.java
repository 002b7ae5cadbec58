package io.slotferry.rdb;

/** The logical Redis type of a value, as {@code TYPE key} reports it. */
public enum ValueType {
    STRING, LIST, SET, ZSET, HASH, STREAM, MODULE;

    /** Lower-case name as Redis' TYPE command and the dump format use it. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The type {@code TYPE key} answered: one of the {@link #wireName()}s, {@link #MODULE} for any other name (a
     * module type names itself, e.g. {@code ReJSON-RL}), null for {@code none} (no such key).
     */
    public static ValueType ofTypeReply(String reply) {
        if (reply.equals("none")) {
            return null;
        }
        for (ValueType t : values()) {
            if (t.wireName().equals(reply)) {
                return t;
            }
        }
        return MODULE;
    }
}
