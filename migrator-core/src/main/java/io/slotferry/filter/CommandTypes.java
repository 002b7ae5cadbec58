package io.slotferry.filter;

import io.slotferry.rdb.ValueType;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The value type a replicated write works on, for {@code --types}: taken from the commands' ACL categories in the
 * captured command tables ({@code ../shared/redis-commands}, {@code @string}, {@code @bitmap} and
 * {@code @hyperloglog} are strings, {@code @geo} zsets), for the write commands only. The command table
 * ({@code commands.tsv}) does not carry categories; this is the list the filter needs, nothing more.
 *
 * <p>Commands listed nowhere ({@code DEL}, {@code RENAME}, {@code RESTORE}, {@code SORT}, module commands...) act on
 * whatever type their key has: {@link #actsOnExistingKeysOnly} tells those that can neither create a key nor
 * change its type.
 */
final class CommandTypes {
    private static final Map<String, ValueType> TYPES = new HashMap<>();

    static {
        put(ValueType.STRING, "append", "bitfield", "bitop", "decr", "decrby", "getdel", "getex", "getset", "incr", "incrby",
                "incrbyfloat", "mset", "msetnx", "pfadd", "pfdebug", "pfmerge", "psetex", "set", "setbit", "setex", "setnx",
                "setrange");
        put(ValueType.LIST, "blmove", "blmpop", "blpop", "brpop", "brpoplpush", "linsert", "lmove", "lmpop", "lpop", "lpush",
                "lpushx", "lrem", "lset", "ltrim", "rpop", "rpoplpush", "rpush", "rpushx");
        put(ValueType.SET, "sadd", "sdiffstore", "sinterstore", "smove", "spop", "srem", "sunionstore");
        put(ValueType.ZSET, "bzmpop", "bzpopmax", "bzpopmin", "geoadd", "georadius", "georadiusbymember", "geosearchstore",
                "zadd", "zdiffstore", "zincrby", "zinterstore", "zmpop", "zpopmax", "zpopmin", "zrangestore", "zrem",
                "zremrangebylex", "zremrangebyrank", "zremrangebyscore", "zunionstore");
        put(ValueType.HASH, "hdel", "hexpire", "hexpireat", "hincrby", "hincrbyfloat", "hmset", "hpersist", "hpexpire",
                "hpexpireat", "hset", "hsetnx", "hgetdel", "hgetex", "hsetex");
        put(ValueType.STREAM, "xack", "xadd", "xautoclaim", "xclaim", "xdel", "xgroup", "xreadgroup", "xsetid", "xtrim");
    }

    /**
     * Typed writes that may replace a key of another type (SET without GET, the *STORE commands, BITOP): when their
     * type is left out, the key they wrote must be deleted from the target, where it may hold a kept type.
     */
    private static final Set<String> OVERWRITING = Set.of("set", "setex", "psetex", "mset", "msetnx", "bitop", "sdiffstore",
            "sinterstore", "sunionstore", "zdiffstore", "zinterstore", "zunionstore", "zrangestore", "georadius",
            "georadiusbymember", "geosearchstore");

    /** Untyped writes that change only keys that exist, keeping their type: DEL, UNLINK, the EXPIRE family, PERSIST. */
    private static final Set<String> EXISTING_ONLY = Set.of("del", "unlink", "expire", "pexpire", "expireat", "pexpireat",
            "persist");

    private CommandTypes() {
    }

    private static void put(ValueType type, String... names) {
        for (String n : names) {
            TYPES.put(n, type);
        }
    }

    /** The type {@code name} (a table name, {@code xgroup|create} for a subcommand) writes, or null when it has none. */
    static ValueType of(String name) {
        int bar = name.indexOf('|');
        return TYPES.get(bar < 0 ? name : name.substring(0, bar));
    }

    static boolean overwrites(String name) {
        return OVERWRITING.contains(name);
    }

    static boolean actsOnExistingKeysOnly(String name) {
        return EXISTING_ONLY.contains(name);
    }
}
