package io.slotferry.load;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds one command's arguments; names, numbers and IDs are ASCII, keys and values stay bytes. */
final class Argv {
    private final List<byte[]> args;

    private Argv(int capacity) {
        args = new ArrayList<>(capacity);
    }

    static Argv of(String name, byte[] key) {
        return new Argv(4).add(name).add(key);
    }

    /** A command that starts with words, e.g. {@code XGROUP CREATE}; the key follows with {@link #add(byte[])}. */
    static Argv words(String... words) {
        Argv a = new Argv(words.length + 4);
        for (String w : words) {
            a.add(w);
        }
        return a;
    }

    static Argv of(String name, byte[] key, int capacity) {
        return new Argv(capacity + 2).add(name).add(key);
    }

    Argv add(byte[] arg) {
        args.add(arg);
        return this;
    }

    Argv add(String ascii) {
        args.add(ascii.getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    Argv add(long n) {
        return add(Long.toString(n));
    }

    /** An unsigned 64-bit number (stream counters are uint64). */
    Argv addUnsigned(long n) {
        return add(Long.toUnsignedString(n));
    }

    int size() {
        return args.size();
    }

    List<byte[]> build() {
        return args;
    }

    /**
     * A sorted-set score as text Redis parses back (strtod) to exactly the same double: "inf"/"-inf", else
     * {@link Double#toString}, which round-trips (on Java 17 it is not always the shortest form, which does
     * not matter), with the exact decimal expansion as a safety net should it ever not.
     *
     * @throws IllegalArgumentException for NaN, which no sorted set can hold
     */
    static byte[] score(double d) {
        if (Double.isNaN(d)) {
            throw new IllegalArgumentException("NaN is not a sorted set score");
        }
        if (Double.isInfinite(d)) {
            return (d > 0 ? "inf" : "-inf").getBytes(StandardCharsets.US_ASCII);
        }
        String s = Double.toString(d);
        if (Double.doubleToRawLongBits(Double.parseDouble(s)) != Double.doubleToRawLongBits(d)) {
            s = new BigDecimal(d).toString();
        }
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
