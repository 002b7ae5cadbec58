package io.slotferry.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.rdb.RdbType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RDB versions per release, INFO parsing and the type-byte stamping table. */
class TargetCapabilitiesTest {

    @Test
    void eachReleaseHasTheRdbVersionItsRdbFilesCarry() {
        // The corpus files of these releases carry these header versions (redis-2.8.24.rdb is REDIS0006, ...).
        Map<String, Integer> redis = Map.ofEntries(Map.entry("2.6.17", 6), Map.entry("2.8.24", 6), Map.entry("3.0.7", 6),
                Map.entry("3.2.13", 7), Map.entry("4.0.14", 8), Map.entry("5.0.14", 9), Map.entry("6.0.20", 9),
                Map.entry("6.2.16", 9), Map.entry("7.0.15", 10), Map.entry("7.2.6", 11), Map.entry("7.4.1", 12),
                Map.entry("7.9.224", 12), Map.entry("8.0.2", 12), Map.entry("8.6.0", 13), Map.entry("8.8.0", 14));
        redis.forEach((v, rdb) -> assertEquals(rdb, TargetCapabilities.redis(v).rdbVersion(), v));
        assertEquals(11, TargetCapabilities.valkey("7.2.5").rdbVersion());
        assertEquals(11, TargetCapabilities.valkey("8.1.1").rdbVersion());
        assertEquals(80, TargetCapabilities.valkey("9.0.0").rdbVersion());
        assertEquals(81, TargetCapabilities.valkey("9.2.0").rdbVersion());
    }

    @Test
    void infoServerOfValkeyIsReadByItsOwnVersion() {
        TargetCapabilities valkey = TargetCapabilities.fromInfo(
                "# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\nredis_mode:cluster\r\n");
        assertEquals(TargetCapabilities.Server.VALKEY, valkey.server());
        assertEquals(new TargetCapabilities.Version(8, 0, 1), valkey.version());
        assertEquals(11, valkey.rdbVersion());
        assertFalse(valkey.hashFieldTtl(), "Valkey has field TTLs from 9.0 on");
        assertTrue(TargetCapabilities.valkey("9.0.0").hashFieldTtl());

        TargetCapabilities redis = TargetCapabilities.fromInfo("# Server\nredis_version:7.4.1\nredis_git_sha1:00000000\n");
        assertEquals(TargetCapabilities.Server.REDIS, redis.server());
        assertTrue(redis.hashFieldTtl());
        assertFalse(TargetCapabilities.redis("7.2.6").hashFieldTtl());
    }

    @Test
    void commandsAndOptionsFollowTheVersionThatIntroducedThem() {
        TargetCapabilities r28 = TargetCapabilities.redis("2.8.24");
        assertTrue(r28.restore());
        assertFalse(r28.restoreReplace());
        assertFalse(TargetCapabilities.redis("2.4.18").restore());
        assertFalse(TargetCapabilities.redis("4.0.14").restoreAbsTtl());
        assertTrue(TargetCapabilities.redis("5.0.0").restoreAbsTtl());
        assertFalse(TargetCapabilities.redis("3.2.13").variadicHset());
        assertFalse(TargetCapabilities.redis("4.0.14").streams());
        assertFalse(TargetCapabilities.redis("6.0.20").createConsumer());
        assertTrue(TargetCapabilities.redis("6.2.0").createConsumer());
        assertFalse(TargetCapabilities.redis("6.2.16").streamCounters());
        assertTrue(TargetCapabilities.redis("7.0.0").streamCounters());
        assertTrue(TargetCapabilities.valkey("8.0.1").streamCounters());
    }

    @Test
    void aValueIsStampedWithTheTargetsVersionWhenTheTargetKnowsItsTypeByte() {
        TargetCapabilities r70 = TargetCapabilities.redis("7.0.15");
        assertEquals(10, r70.restoreVersion(RdbType.HASH_LISTPACK, 12, false), "a v12 file's listpack hash into 7.0");
        assertEquals(9, r70.restoreVersion(RdbType.LIST_QUICKLIST, 9, false), "an older file keeps its own version");
        assertEquals(7, r70.restoreVersion(RdbType.STRING, 7, false));
        assertEquals(-1, r70.restoreVersion(RdbType.SET_LISTPACK, 11, false), "7.0 does not know type 20");
        assertEquals(-1, r70.restoreVersion(RdbType.STREAM_LISTPACKS_3, 12, false));
        assertEquals(10, r70.restoreVersion(RdbType.STREAM_LISTPACKS_2, 12, false));
        assertEquals(10, r70.restoreVersion(RdbType.MODULE_2, 11, false), "modules: tried, the target may have it");
        assertEquals(-1, TargetCapabilities.redis("3.2.13").restoreVersion(RdbType.ZSET_2, 8, false));
        assertEquals(6, TargetCapabilities.redis("2.8.24").restoreVersion(RdbType.HASH_ZIPLIST, 9, false));
        assertEquals(-1, TargetCapabilities.redis("2.4.18").restoreVersion(RdbType.STRING, 2, false), "no RESTORE before 2.6");

        assertEquals(12, TargetCapabilities.redis("7.4.1").restoreVersion(RdbType.HASH_LISTPACK_EX, 12, false));
        assertEquals(-1, TargetCapabilities.redis("7.2.6").restoreVersion(RdbType.HASH_LISTPACK_EX, 12, false));
    }

    @Test
    void valkeyNeverGetsARedisOnlyVersionOrTypeByte() {
        TargetCapabilities v8 = TargetCapabilities.valkey("8.0.1");
        TargetCapabilities v9 = TargetCapabilities.valkey("9.0.0");
        assertEquals(11, v8.restoreVersion(RdbType.HASH_LISTPACK, 12, false), "12-79 are foreign to Valkey");
        assertEquals(11, v9.restoreVersion(RdbType.HASH_LISTPACK, 12, false));
        assertEquals(80, v9.restoreVersion(RdbType.HASH_LISTPACK, 80, true), "Valkey's own file into Valkey 9");
        assertEquals(11, v8.restoreVersion(RdbType.STREAM_LISTPACKS_3, 80, true), "a Valkey 9 file into Valkey 8");
        assertEquals(-1, v9.restoreVersion(RdbType.HASH_LISTPACK_EX, 12, false), "Redis type 25 means nothing to Valkey");
        assertEquals(-1, TargetCapabilities.redis("8.0.2").restoreVersion(RdbType.HASH_METADATA_PRE_GA, 80, true),
                "Valkey's type 22 is not Redis' type 22");
        assertEquals(12, TargetCapabilities.redis("7.4.1").restoreVersion(RdbType.HASH_LISTPACK, 80, true));
    }
}
