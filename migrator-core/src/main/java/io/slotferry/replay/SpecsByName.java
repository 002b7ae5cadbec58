package io.slotferry.replay;

import io.slotferry.command.CommandSpec;
import java.util.Arrays;

/**
 * Command table entries by the command name's bytes as the stream spells them: the lookup on every
 * write's path, without a String or an upper-casing per write. Open addressing over a fixed table;
 * it stops remembering when half full (names in many spellings), so lookups stay short and memory
 * fixed. Single-threaded, like the replayer.
 */
final class SpecsByName {
    private static final int SIZE = 256;

    private final byte[][] names = new byte[SIZE][];
    private final CommandSpec[] specs = new CommandSpec[SIZE];
    private int count;

    /** The entry remembered for {@code name}, or null. */
    CommandSpec get(byte[] name) {
        for (int i = hash(name), probes = 0; probes < SIZE; i = (i + 1) & (SIZE - 1), probes++) {
            byte[] n = names[i];
            if (n == null) {
                return null;
            }
            if (Arrays.equals(n, name)) {
                return specs[i];
            }
        }
        return null;
    }

    /** Remembers {@code spec} for {@code name} (a command without subcommands: the name alone decides it). */
    void put(byte[] name, CommandSpec spec) {
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
        specs[i] = spec;
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
