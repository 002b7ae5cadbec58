package io.slotferry.rdb;

/**
 * Every value type byte an RDB file can hold, with the RDB version that introduced it, its logical
 * {@link ValueType} and the in-memory encoding it was saved from.
 *
 * <p>The RESTORE path uses {@link #since()} to decide whether a target whose RDB version is lower
 * than the source's can still accept a payload of this type.
 */
public enum RdbType {
    STRING(0, 1, ValueType.STRING, "string"),
    LIST(1, 1, ValueType.LIST, "linkedlist"),
    SET(2, 1, ValueType.SET, "hashtable"),
    ZSET(3, 1, ValueType.ZSET, "skiplist"),
    HASH(4, 1, ValueType.HASH, "hashtable"),
    ZSET_2(5, 8, ValueType.ZSET, "skiplist"),
    MODULE_PRE_GA(6, 8, ValueType.MODULE, "module"),
    MODULE_2(7, 8, ValueType.MODULE, "module"),
    HASH_ZIPMAP(9, 2, ValueType.HASH, "zipmap"),
    LIST_ZIPLIST(10, 2, ValueType.LIST, "ziplist"),
    SET_INTSET(11, 2, ValueType.SET, "intset"),
    ZSET_ZIPLIST(12, 2, ValueType.ZSET, "ziplist"),
    HASH_ZIPLIST(13, 4, ValueType.HASH, "ziplist"),
    LIST_QUICKLIST(14, 7, ValueType.LIST, "quicklist"),
    STREAM_LISTPACKS(15, 9, ValueType.STREAM, "stream"),
    HASH_LISTPACK(16, 10, ValueType.HASH, "listpack"),
    ZSET_LISTPACK(17, 10, ValueType.ZSET, "listpack"),
    LIST_QUICKLIST_2(18, 10, ValueType.LIST, "quicklist"),
    STREAM_LISTPACKS_2(19, 10, ValueType.STREAM, "stream"),
    SET_LISTPACK(20, 11, ValueType.SET, "listpack"),
    STREAM_LISTPACKS_3(21, 11, ValueType.STREAM, "stream"),
    HASH_METADATA_PRE_GA(22, 12, ValueType.HASH, "hashtable"),
    HASH_LISTPACK_EX_PRE_GA(23, 12, ValueType.HASH, "listpackex"),
    HASH_METADATA(24, 12, ValueType.HASH, "hashtable"),
    HASH_LISTPACK_EX(25, 12, ValueType.HASH, "listpackex");

    private static final RdbType[] BY_CODE = new RdbType[256];

    static {
        for (RdbType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final int since;
    private final ValueType valueType;
    private final String encoding;
    private final String blob;

    RdbType(int code, int since, ValueType valueType, String encoding) {
        this.code = code;
        this.since = since;
        this.valueType = valueType;
        this.encoding = encoding;
        this.blob = "a " + encoding + " blob";
    }

    /** The type byte in the file. */
    public int code() {
        return code;
    }

    /** First RDB version whose files may hold this type. */
    public int since() {
        return since;
    }

    public ValueType valueType() {
        return valueType;
    }

    /** The in-memory encoding this type byte stands for (OBJECT ENCODING vocabulary). */
    public String encoding() {
        return encoding;
    }

    /** "a ENCODING blob": how error messages name this type's serialized blob (built once, not per key). */
    String blobDescription() {
        return blob;
    }

    /** The type for a byte, or null when the byte is not a known value type. */
    public static RdbType byCode(int code) {
        return code >= 0 && code < 256 ? BY_CODE[code] : null;
    }
}
