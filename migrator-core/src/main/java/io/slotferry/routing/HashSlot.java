package io.slotferry.routing;

/**
 * The Redis Cluster key-to-slot function: {@code CRC16(key) mod 16384}, where only the hash tag is
 * hashed when the key has one. CRC16 is the XMODEM variant (polynomial 0x1021, initial value 0, no
 * reflection, no final xor), table-driven.
 *
 * <p>Hash tag: the bytes between the first {@code {} and the first {@code }} after it, used only
 * when that span is not empty ({@code "{user1000}.following"} hashes {@code user1000};
 * {@code "foo{}{bar}"} hashes the whole key; {@code "foo{{bar}}zap"} hashes {@code {bar}).
 */
public final class HashSlot {
    /** Number of slots in a Redis Cluster. */
    public static final int SLOTS = 16384;

    private static final int[] TABLE = new int[256];
    /** TABLE[n] followed by one zero byte: the CRC of byte n then 0, for two bytes per step. */
    private static final int[] TABLE2 = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int b = 0; b < 8; b++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLE[i] = crc & 0xffff;
        }
        for (int i = 0; i < 256; i++) {
            int c = TABLE[i];
            TABLE2[i] = ((c << 8) ^ TABLE[c >>> 8]) & 0xffff;
        }
    }

    private HashSlot() {
    }

    /** CRC16/XMODEM of {@code b[from, to)}. */
    public static int crc16(byte[] b, int from, int to) {
        // two bytes per step (half the loop of a key, which C1 does not unroll): the 16-bit CRC xor the
        // next two bytes is the state, whose high byte then goes through one more zero byte (TABLE2)
        int crc = 0;
        int i = from;
        for (; i + 1 < to; i += 2) {
            int x = crc ^ ((b[i] & 0xff) << 8 | (b[i + 1] & 0xff));
            crc = TABLE2[x >>> 8] ^ TABLE[x & 0xff];
        }
        if (i < to) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ b[i]) & 0xff]) & 0xffff;
        }
        return crc;
    }

    /** The slot of {@code key}. */
    public static int of(byte[] key) {
        int open = indexOf(key, (byte) '{', 0);
        if (open >= 0) {
            int close = indexOf(key, (byte) '}', open + 1);
            if (close > open + 1) {
                return crc16(key, open + 1, close) & (SLOTS - 1);
            }
        }
        return crc16(key, 0, key.length) & (SLOTS - 1);
    }

    private static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
