package io.slotferry.rdb;

/**
 * What the RDB says about a key before its value: the database, the key bytes, its absolute expiry,
 * the LRU idle time / LFU counter written before it (when present) and its type byte.
 *
 * @param db          database number from the last SELECTDB (0 when none was seen)
 * @param key         key bytes, exactly as stored
 * @param expireAtMs  absolute expiry in unix milliseconds, or -1 for none
 * @param idleSeconds LRU idle time from an IDLE opcode, or -1
 * @param lfuFrequency LFU counter from a FREQ opcode, or -1
 * @param type        the value's type byte
 * @param offset      absolute offset of the type byte in the input
 */
public record KeyHeader(int db, byte[] key, long expireAtMs, long idleSeconds, int lfuFrequency, RdbType type, long offset) {
    public boolean hasExpire() {
        return expireAtMs != -1;
    }
}
