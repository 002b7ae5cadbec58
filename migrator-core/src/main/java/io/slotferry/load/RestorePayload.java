package io.slotferry.load;

import io.slotferry.rdb.DumpPayload;
import io.slotferry.rdb.RdbType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A DUMP/RESTORE payload ({@link DumpPayload}: type byte, value bytes exactly as in the RDB file, version,
 * CRC-64) and the commands that write it to a target.
 *
 * @param bytes the payload
 */
public record RestorePayload(byte[] bytes) {

    /** The payload of a value of {@code type} whose serialized bytes are {@code value}, stamped with {@code rdbVersion}. */
    public static RestorePayload of(RdbType type, byte[] value, int rdbVersion) {
        return new RestorePayload(DumpPayload.build(type.code(), value, rdbVersion));
    }

    /**
     * The payload of a value read framed ({@link io.slotferry.rdb.RdbOptions#dumpFrames()}), stamped with
     * {@code rdbVersion} in place: no copy of the value.
     */
    public static RestorePayload ofFramed(byte[] framed, int rdbVersion) {
        return new RestorePayload(DumpPayload.stamp(framed, rdbVersion));
    }

    /** The RDB version stamped on the payload. */
    public int rdbVersion() {
        return DumpPayload.rdbVersion(bytes);
    }

    /**
     * The commands that replace {@code key} on {@code target} with this payload and the absolute expiry
     * {@code expireAtMs} (-1: none), applied together: {@code RESTORE key <ms|0> payload REPLACE ABSTTL}
     * on 5.0+; before that {@code RESTORE key 0 payload REPLACE} and {@code PEXPIREAT} (a relative TTL
     * would drift by the time the write waits), and before 3.0 a {@code DEL} first instead of REPLACE.
     */
    private static final byte[] RESTORE = "RESTORE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REPLACE = "REPLACE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ABSTTL = "ABSTTL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ZERO = {'0'};

    public List<List<byte[]>> commands(byte[] key, long expireAtMs, TargetCapabilities target) {
        return commands(key, expireAtMs, target, true);
    }

    /**
     * As {@link #commands(byte[], long, TargetCapabilities)}; with {@code replace} false, a key that exists on the
     * target is left alone: no REPLACE (and no DEL before 3.0), so the target answers BUSYKEY.
     */
    public List<List<byte[]>> commands(byte[] key, long expireAtMs, TargetCapabilities target, boolean replace) {
        if (replace && target.restoreAbsTtl()) {
            // the hot path of a full load: constant words, no per-key string encoding, and immutable lists
            // that Write keeps as they are (List.copyOf returns them; a mutable list would be copied)
            byte[] ttl = expireAtMs <= 0 ? ZERO : Long.toString(expireAtMs).getBytes(StandardCharsets.US_ASCII);
            return List.of(List.of(RESTORE, key, ttl, bytes, REPLACE, ABSTTL));
        }
        List<List<byte[]>> commands = new ArrayList<>(3);
        if (!replace) {
            Argv restore = Argv.of("RESTORE", key).add(target.restoreAbsTtl() && expireAtMs > 0 ? expireAtMs : 0).add(bytes);
            if (target.restoreAbsTtl()) {
                restore.add("ABSTTL");
            }
            commands.add(restore.build());
            if (!target.restoreAbsTtl() && expireAtMs >= 0) {
                commands.add(Argv.of("PEXPIREAT", key).add(expireAtMs).build());
            }
            return commands;
        }
        // REPLACE without ABSTTL (before 5.0)
        if (!target.restoreReplace()) {
            commands.add(Argv.of("DEL", key).build());
        }
        Argv restore = Argv.of("RESTORE", key).add(0).add(bytes);
        if (target.restoreReplace()) {
            restore.add("REPLACE");
        }
        commands.add(restore.build());
        if (expireAtMs >= 0) {
            commands.add(Argv.of("PEXPIREAT", key).add(expireAtMs).build());
        }
        return commands;
    }
}
