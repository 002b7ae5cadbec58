package io.slotferry.translate;

import io.slotferry.resp.Ascii;
import io.slotferry.load.TargetCapabilities;
import java.util.ArrayList;
import java.util.List;

/**
 * What a source of a given version replicates in a form that loses information its master keeps, so
 * that a copy of the stream differs from the master. Found in the replication transcripts of
 * {@code ../shared/replication-transcripts} and in Redis' history (docs/replay.md, "Lossy replication"):
 *
 * <ul>
 *   <li>Redis 2.6 to 5.0 (codis-server 3.2 included): {@code INCRBYFLOAT k n} is replicated as a plain
 *       {@code SET k <result>}, which removes the key's TTL on every replica while the master keeps it
 *       (redis/redis#5256; fixed in 6.0 by {@code SET ... KEEPTTL}, #6679). The transcripts show
 *       {@code SET w:float 1.5} from 2.8.24, codis-server 3.2.11, 4.0.14 and 5.0.14, and
 *       {@code SET w:float 1.5 KEEPTTL} from 6.2.16 on.</li>
 *   <li>Redis 7.4 and 8.0 (before redis/redis#14227 and #14224, July 2025): {@code HINCRBYFLOAT} is
 *       replicated as {@code HSET key field result}, which drops the field's TTL (hash field expiry) on a
 *       replica (#14218; 7.4.1's t_hash.c). Named by {@code migrate plan}, not corrected: a target needs
 *       7.4+ to hold field TTLs at all, and verify does not compare them.</li>
 * </ul>
 *
 * Such a {@code SET} cannot be told from a client's own {@code SET} of a number, so every plain
 * {@code SET key value} whose value reads as a number INCRBYFLOAT could have printed is a candidate:
 * {@link MasterTtlReads} asks the master for the key's TTL.
 *
 * @param version the source's {@code redis_version}
 */
public record LossyReplication(TargetCapabilities.Version version) {

    /** The rules of a source reporting {@code redis_version} {@code version}. */
    public static LossyReplication of(String version) {
        return new LossyReplication(TargetCapabilities.Version.parse(version));
    }

    /** True when this version replicates INCRBYFLOAT as a SET that drops the TTL (2.6 to 5.0). */
    public boolean incrByFloatDropsTtl() {
        return !version.atLeast(6, 0) && version.atLeast(2, 6);
    }

    /** True when this version may replicate HINCRBYFLOAT as an HSET that drops the field's TTL (7.4, 8.0). */
    public boolean hincrByFloatDropsFieldTtl() {
        return version.major() == 7 && version.minor() == 4 || version.major() == 8 && version.minor() == 0;
    }

    /** True when some command of this version replicates lossily and the replay must ask the master. */
    public boolean any() {
        return incrByFloatDropsTtl();
    }

    /** One sentence per lossy command of this version, with what the run does about it (for {@code migrate plan}). */
    public List<String> risks() {
        List<String> out = new ArrayList<>();
        if (incrByFloatDropsTtl()) {
            out.add("redis " + version + " replicates INCRBYFLOAT as a plain SET, which drops the key's TTL on every replica"
                    + " (the master keeps it): for each plain SET of a number in the stream the run asks the master for the"
                    + " key's TTL (PTTL, rate-limited, on a connection of its own) and applies it with the SET; a snapshot"
                    + " taken from a replica already lacks those TTLs: prefer --sync-from master, and verify with --sync-from master");
        }
        if (hincrByFloatDropsFieldTtl()) {
            out.add("redis " + version + " may replicate HINCRBYFLOAT as HSET, which drops the field's TTL (hash field expiry)"
                    + " on every replica (redis/redis#14218, fixed in later 7.4 and 8.0 patch releases): the run does not correct"
                    + " it and verify does not compare field TTLs");
        }
        return out;
    }

    /**
     * True for {@code SET key value} without options whose value INCRBYFLOAT could have printed: what a
     * version with {@link #incrByFloatDropsTtl()} replicates an INCRBYFLOAT as.
     */
    public boolean ttlMayBeLost(List<byte[]> argv) {
        return incrByFloatDropsTtl() && argv.size() == 3 && Ascii.upper(argv.get(0)).equals("SET") && decimal(argv.get(2));
    }

    /**
     * A number as INCRBYFLOAT prints it before 6.0 ({@code %.17Lf}, trailing zeros and point removed):
     * an optional minus, digits, an optional point followed by digits. No exponent, no inf or nan.
     */
    static boolean decimal(byte[] v) {
        int i = 0;
        if (v.length > 0 && v[0] == '-') {
            i = 1;
        }
        int digits = 0;
        while (i < v.length && v[i] >= '0' && v[i] <= '9') {
            i++;
            digits++;
        }
        if (digits == 0 || digits > 400) {
            return false;
        }
        if (i == v.length) {
            return true;
        }
        if (v[i] != '.') {
            return false;
        }
        i++;
        int fraction = 0;
        while (i < v.length && v[i] >= '0' && v[i] <= '9') {
            i++;
            fraction++;
        }
        return i == v.length && fraction > 0;
    }
}
