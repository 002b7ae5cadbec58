package io.slotferry.translate;

import io.slotferry.resp.Ascii;
import io.slotferry.resp.CommandName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns relative expiries into absolute ones, computed from the time the command was received from
 * the source, so that replication lag does not stretch TTLs. Redis 7.0+ already replicates
 * {@code PEXPIREAT} and {@code SET ... PXAT}; older sources send what the client sent: {@code EXPIRE},
 * {@code PEXPIRE}, {@code SETEX}, {@code PSETEX}, {@code SET ... EX|PX}, {@code GETEX ... EX|PX} and
 * {@code RESTORE} without {@code ABSTTL}.
 */
public final class AbsoluteExpiry {
    private AbsoluteExpiry() {
    }

    /** {@code argv} with relative expiries made absolute; the same list when there is none. */
    public static List<byte[]> apply(List<byte[]> argv, long receivedAtMillis) {
        // compared as bytes: no upper-cased String per command (this runs on every replayed command)
        byte[] name = argv.get(0);
        try {
            if (CommandName.is(name, "SET")) {
                return options(argv, 3, receivedAtMillis);
            }
            boolean expire = CommandName.is(name, "EXPIRE");
            if (expire || CommandName.is(name, "PEXPIRE")) {
                if (argv.size() < 3) {
                    return argv;
                }
                List<byte[]> out = new ArrayList<>(argv);
                out.set(0, Ascii.bytes("PEXPIREAT"));
                out.set(2, Ascii.number(absolute(argv.get(2), expire ? 1000 : 1, receivedAtMillis)));
                return out;
            }
            boolean setex = CommandName.is(name, "SETEX");
            if (setex || CommandName.is(name, "PSETEX")) {
                if (argv.size() != 4) {
                    return argv;
                }
                return List.of(Ascii.bytes("SET"), argv.get(1), argv.get(3), Ascii.bytes("PXAT"),
                        Ascii.number(absolute(argv.get(2), setex ? 1000 : 1, receivedAtMillis)));
            }
            if (CommandName.is(name, "GETEX")) {
                return options(argv, 2, receivedAtMillis);
            }
            if (CommandName.is(name, "RESTORE")) {
                return restore(argv, receivedAtMillis);
            }
            return argv;
        } catch (NumberFormatException | ArithmeticException e) {
            return argv; // not a valid TTL: the target refuses it as the source would have
        }
    }

    private static List<byte[]> options(List<byte[]> argv, int from, long now) {
        for (int i = from; i < argv.size() - 1; i++) {
            byte[] opt = argv.get(i);
            boolean ex = CommandName.is(opt, "EX");
            if (ex || CommandName.is(opt, "PX")) {
                List<byte[]> out = new ArrayList<>(argv);
                out.set(i, Ascii.bytes("PXAT"));
                out.set(i + 1, Ascii.number(absolute(argv.get(i + 1), ex ? 1000 : 1, now)));
                return out;
            }
        }
        return argv;
    }

    private static List<byte[]> restore(List<byte[]> argv, long now) {
        if (argv.size() < 4) {
            return argv;
        }
        for (int i = 4; i < argv.size(); i++) {
            if (CommandName.is(argv.get(i), "ABSTTL")) {
                return argv;
            }
        }
        long ttl = Long.parseLong(new String(argv.get(2), StandardCharsets.US_ASCII));
        if (ttl == 0) {
            return argv; // no expiry
        }
        List<byte[]> out = new ArrayList<>(argv);
        out.set(2, Ascii.number(Math.addExact(now, ttl)));
        out.add(Ascii.bytes("ABSTTL"));
        return out;
    }

    private static long absolute(byte[] relative, long unit, long now) {
        long value = Long.parseLong(new String(relative, StandardCharsets.US_ASCII));
        return Math.addExact(now, Math.multiplyExact(value, unit));
    }
}
