package io.slotferry.load;

import io.slotferry.rdb.RdbType;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RespValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a target server accepts, derived from its version only ({@code INFO server}): the highest RDB
 * version its {@code RESTORE} takes, and which commands and options the rewrite path may use.
 *
 * <p>RDB versions (the {@code RDB_VERSION} of each release's {@code rdb.h}, confirmed by the corpus files
 * each release saved): Redis 2.6-3.0: 6, 3.2: 7, 4.0: 8, 5.0-6.2: 9, 7.0: 10, 7.2: 11, 7.4-8.4: 12,
 * 8.6: 13, 8.8: 14. Valkey 7.2-8.x: 11, 9.0: 80, 9.2: 81; Valkey treats 12-79 as foreign (Redis-only)
 * formats and rejects them, and type bytes from 22 on mean different things in Redis (hash field TTLs)
 * and Valkey (its own HASH_2).
 *
 * @param server     Redis or Valkey
 * @param version    the server's own version ({@code valkey_version} for Valkey)
 * @param rdbVersion the highest RDB version its RESTORE accepts
 */
public record TargetCapabilities(Server server, Version version, int rdbVersion) {
    /** Type bytes from here on are assigned differently by Redis and Valkey. */
    private static final int FIRST_DIVERGING_TYPE = 22;
    /** The last RDB version Redis and Valkey share. */
    private static final int LAST_SHARED_RDB_VERSION = 11;

    /** The server family. */
    public enum Server { REDIS, VALKEY }

    /** A {@code major.minor.patch} server version. */
    public record Version(int major, int minor, int patch) implements Comparable<Version> {
        /** Parses {@code 7.0.15} (missing parts are 0; anything after a non-digit is ignored). */
        public static Version parse(String text) {
            String[] parts = text.trim().split("\\.");
            int[] n = new int[3];
            for (int i = 0; i < 3 && i < parts.length; i++) {
                String digits = parts[i].replaceAll("[^0-9].*", "");
                n[i] = digits.isEmpty() ? 0 : Integer.parseInt(digits);
            }
            return new Version(n[0], n[1], n[2]);
        }

        public boolean atLeast(int major, int minor) {
            return this.major > major || (this.major == major && this.minor >= minor);
        }

        @Override
        public int compareTo(Version o) {
            int c = Integer.compare(major, o.major);
            c = c != 0 ? c : Integer.compare(minor, o.minor);
            return c != 0 ? c : Integer.compare(patch, o.patch);
        }

        @Override
        public String toString() {
            return major + "." + minor + "." + patch;
        }
    }

    public TargetCapabilities {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(version, "version");
    }

    /** A Redis server of {@code version} (tests, or a target known in advance). */
    public static TargetCapabilities redis(String version) {
        Version v = Version.parse(version);
        return new TargetCapabilities(Server.REDIS, v, redisRdbVersion(v));
    }

    /** A Valkey server of {@code version} (its {@code valkey_version}). */
    public static TargetCapabilities valkey(String version) {
        Version v = Version.parse(version);
        return new TargetCapabilities(Server.VALKEY, v, v.atLeast(9, 2) ? 81 : v.atLeast(9, 0) ? 80 : 11);
    }

    /**
     * Reads {@code INFO server} over {@code connection} (nothing else: no CONFIG, DEBUG or other
     * administrative command is sent to a target).
     */
    public static TargetCapabilities probe(RedisConnection connection) throws IOException {
        RespValue reply = connection.call("INFO", "server");
        if (!(reply instanceof RespValue.Bulk bulk) || bulk.bytes() == null) {
            throw new IOException("INFO server on " + connection.endpoint() + " replied " + describe(reply));
        }
        return fromInfo(new String(bulk.bytes(), StandardCharsets.UTF_8));
    }

    /** From the text of {@code INFO server}. */
    public static TargetCapabilities fromInfo(String info) {
        Map<String, String> fields = new HashMap<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        // Valkey reports redis_version 7.2.4 for compatibility; its own version is valkey_version.
        if (fields.containsKey("valkey_version")) {
            return valkey(fields.get("valkey_version"));
        }
        if ("valkey".equals(fields.get("server_name"))) {
            return valkey(fields.getOrDefault("redis_version", "7.2.0"));
        }
        String version = fields.get("redis_version");
        if (version == null) {
            throw new IllegalArgumentException("INFO server has no redis_version field");
        }
        return redis(version);
    }

    private static int redisRdbVersion(Version v) {
        if (v.atLeast(8, 8)) {
            return 14;
        } else if (v.atLeast(8, 6)) {
            return 13;
        } else if (v.atLeast(7, 4)) {
            return 12;
        } else if (v.atLeast(7, 2)) {
            return 11;
        } else if (v.atLeast(7, 0)) {
            return 10;
        } else if (v.atLeast(5, 0)) {
            return 9;
        } else if (v.atLeast(4, 0)) {
            return 8;
        } else if (v.atLeast(3, 2)) {
            return 7;
        } else if (v.atLeast(2, 6)) {
            return 6;
        }
        return 2; // 2.4 and older: no DUMP/RESTORE at all
    }

    /** Valkey (7.2+) has every command of Redis 7.2, so a feature up to 7.2 needs only the Redis version check. */
    private boolean redisAtLeast(int major, int minor) {
        return server == Server.VALKEY || version.atLeast(major, minor);
    }

    /** DUMP/RESTORE exist (Redis 2.6+). */
    public boolean restore() {
        return redisAtLeast(2, 6);
    }

    /** {@code RESTORE ... REPLACE} (3.0+). */
    public boolean restoreReplace() {
        return redisAtLeast(3, 0);
    }

    /** {@code RESTORE ... ABSTTL} (5.0+). */
    public boolean restoreAbsTtl() {
        return redisAtLeast(5, 0);
    }

    /** {@code HSET} with several fields (4.0+; {@code HMSET} before). */
    public boolean variadicHset() {
        return redisAtLeast(4, 0);
    }

    /** Streams (5.0+). */
    public boolean streams() {
        return redisAtLeast(5, 0);
    }

    /** {@code XGROUP CREATECONSUMER} (6.2+). */
    public boolean createConsumer() {
        return redisAtLeast(6, 2);
    }

    /** {@code XSETID ... ENTRIESADDED MAXDELETEDID} and {@code XGROUP CREATE ... ENTRIESREAD} (7.0+). */
    public boolean streamCounters() {
        return redisAtLeast(7, 0);
    }

    /** Hash field TTLs, {@code HPEXPIREAT} (Redis 7.4+, Valkey 9.0+). */
    public boolean hashFieldTtl() {
        return server == Server.VALKEY ? version.atLeast(9, 0) : version.atLeast(7, 4);
    }

    /**
     * The RDB version to stamp on a RESTORE payload of a value of {@code type} from a file of
     * {@code sourceVersion}, or -1 when this target cannot take it as a payload (rewrite it instead).
     *
     * <p>A payload may carry the target's own version even when the file is newer, because a type byte
     * fixes its serialized layout: every layout change came with a new type byte (ZSET_2, the *_LISTPACK
     * and LIST_QUICKLIST_2 types, STREAM_LISTPACKS_2/_3, HASH_METADATA after its release-candidate form).
     * The version only bounds which type bytes may occur. One exception is the 64-bit length prefix (RDB
     * 8+), written only for strings over 4 GiB, far above any RESTORE size limit.
     *
     * @param valkeySource the file's magic is VALKEY (its type bytes 22+ are Valkey's)
     */
    public int restoreVersion(RdbType type, int sourceVersion, boolean valkeySource) {
        if (!restore()) {
            return -1;
        }
        boolean valkeyTarget = server == Server.VALKEY;
        if (type.code() >= FIRST_DIVERGING_TYPE) {
            return valkeySource == valkeyTarget && sourceVersion <= rdbVersion ? sourceVersion : -1;
        }
        int known = valkeyTarget ? Math.min(rdbVersion, LAST_SHARED_RDB_VERSION) : rdbVersion;
        if (type.since() > known) {
            return -1;
        }
        int stamp = Math.min(Math.max(sourceVersion, type.since()), rdbVersion);
        if (valkeyTarget && stamp > LAST_SHARED_RDB_VERSION && stamp < 80) {
            stamp = LAST_SHARED_RDB_VERSION; // Valkey rejects the Redis-only range 12-79
        }
        return stamp;
    }

    private static String describe(RespValue v) {
        return v instanceof RespValue.Error e ? "-" + e.message() : String.valueOf(v);
    }

    @Override
    public String toString() {
        return server.name().toLowerCase(Locale.ROOT) + " " + version + " (RDB " + rdbVersion + ")";
    }
}
