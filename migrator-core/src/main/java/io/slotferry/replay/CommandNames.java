package io.slotferry.replay;

import java.util.Arrays;

/**
 * Values by the command name's bytes as the stream spells them (table entries, handlers): the lookups
 * on every command's path, without a String or an upper-casing per command. Open addressing over a
 * fixed table; it stops remembering when half full (names in many spellings), so lookups stay short
 * and memory fixed. Single-threaded, like the replayer.
 *
 * @param <V> what is remembered for a name
 */
final class CommandNames<V> {
    private static final int SIZE = 256;

    private final byte[][] names = new byte[SIZE][];
    private final Object[] values = new Object[SIZE];
    private int count;

    /** The value remembered for {@code name}, or null. */
    @SuppressWarnings("unchecked")
    V get(byte[] name) {
        for (int i = hash(name), probes = 0; probes < SIZE; i = (i + 1) & (SIZE - 1), probes++) {
            byte[] n = names[i];
            if (n == null) {
                return null;
            }
            if (Arrays.equals(n, name)) {
                return (V) values[i];
            }
        }
        return null;
    }

    /** Remembers {@code value} for {@code name} (what the name alone decides, whatever the arguments). */
    void put(byte[] name, V value) {
        if (count >= SIZE / 2) {
            return;
        }
        int i = hash(name);
        while (names[i] != null) {
            if (Arrays.equals(names[i], name)) {
                return;
            }
            i = (i + 1) & (SIZE - 1);
        }
        names[i] = name.clone();
        values[i] = value;
        count++;
    }

    private static int hash(byte[] name) {
        int h = name.length;
        for (byte b : name) {
            h = 31 * h + b;
        }
        return (h ^ (h >>> 8) ^ (h >>> 16)) & (SIZE - 1);
    }
}
