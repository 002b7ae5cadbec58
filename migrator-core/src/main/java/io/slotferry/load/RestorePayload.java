package io.slotferry.load;

import io.slotferry.rdb.Crc64;
import io.slotferry.rdb.RdbType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A DUMP/RESTORE payload: the RDB type byte, the value bytes exactly as in the RDB file, the RDB version
 * (2 bytes, little-endian) and the CRC-64/Jones (8 bytes, little-endian) of everything before it. This is
 * what {@code DUMP} returns, so building it needs no decoding.
 *
 * @param bytes the payload
 */
public record RestorePayload(byte[] bytes) {

    /** The payload of a value of {@code type} whose serialized bytes are {@code value}, stamped with {@code rdbVersion}. */
    public static RestorePayload of(RdbType type, byte[] value, int rdbVersion) {
        byte[] p = new byte[1 + value.length + 10];
        p[0] = (byte) type.code();
        System.arraycopy(value, 0, p, 1, value.length);
        int v = 1 + value.length;
        p[v] = (byte) rdbVersion;
        p[v + 1] = (byte) (rdbVersion >>> 8);
        Crc64 crc = new Crc64();
        crc.update(p, 0, p.length - 8);
        long c = crc.value();
        for (int i = 0; i < 8; i++) {
            p[p.length - 8 + i] = (byte) (c >>> (8 * i));
        }
        return new RestorePayload(p);
    }

    /** The RDB version stamped on the payload. */
    public int rdbVersion() {
        int v = bytes.length - 10;
        return (bytes[v] & 0xff) | (bytes[v + 1] & 0xff) << 8;
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
        if (target.restoreAbsTtl()) {
            // the hot path of a full load: constant words, no per-key string encoding
            byte[] ttl = expireAtMs <= 0 ? ZERO : Long.toString(expireAtMs).getBytes(StandardCharsets.US_ASCII);
            commands.add(List.of(RESTORE, key, ttl, bytes, REPLACE, ABSTTL));
            return commands;
        }
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
