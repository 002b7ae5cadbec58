package io.slotferry.rdb;

/**
 * A module value type as the RDB names it: a 64-bit id holding a 9-character name (6 bits a
 * character) and a 10-bit encoding version.
 */
public record ModuleType(long id, String name, int encodingVersion) {
    private static final String CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /** Decodes the id written by {@code RedisModule_CreateDataType}. */
    public static ModuleType fromId(long id) {
        char[] name = new char[9];
        long bits = id >>> 10;
        for (int i = 8; i >= 0; i--) {
            name[i] = CHARSET.charAt((int) (bits & 63));
            bits >>>= 6;
        }
        return new ModuleType(id, new String(name), (int) (id & 1023));
    }
}
