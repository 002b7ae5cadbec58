package io.slotferry.translate;

import io.slotferry.resp.Ascii;
import io.slotferry.resp.CommandName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The target must not expire a key before the source does: a replica of Redis never expires keys on
 * its own clock, it waits for its master's {@code DEL}, but a cluster target does expire them. When the
 * replay is behind by more than a key's remaining TTL, the command that extends, removes or uses that
 * TTL ({@code PEXPIREAT}, {@code PERSIST}, {@code HSET} on the key) would reach a target that already
 * deleted it. So while a migration runs every expiry written to the target is held {@code grace}
 * milliseconds past the source's: the source master's own expiry {@code DEL}s, replicated like any
 * write, delete keys when the source does; and {@code migrate finish} makes every TTL exact again
 * (docs/replay.md, "Expiries").
 *
 * <p>An expiry already in the past when the command was received stays as it is: it deletes the key,
 * as on the source. This class only rewrites absolute forms ({@link AbsoluteExpiry} runs first).
 */
public final class ExpiryGrace {
    private final long graceMillis;

    /** @param graceMillis how long past the source's expiry a key is held on the target (0: exact TTLs, no hold) */
    public ExpiryGrace(long graceMillis) {
        if (graceMillis < 0) {
            throw new IllegalArgumentException("a TTL grace cannot be negative: " + graceMillis);
        }
        this.graceMillis = graceMillis;
    }

    public long graceMillis() {
        return graceMillis;
    }

    /** The expiry to write for a source expiry of {@code expireAtMs} (-1 or 0: none) seen at {@code nowMs}. */
    public long hold(long expireAtMs, long nowMs) {
        return expireAtMs > nowMs && graceMillis > 0 ? Math.addExact(expireAtMs, graceMillis) : expireAtMs;
    }

    /** {@code argv} with its absolute expiry held; the same list when it has none (or the grace is 0). */
    public List<byte[]> apply(List<byte[]> argv, long receivedAtMillis) {
        if (graceMillis == 0 || argv.size() < 3 || !mayExpire(argv.get(0))) {
            return argv;
        }
        byte[] name = argv.get(0); // compared as bytes: no String per command
        try {
            if (CommandName.is(name, "SET")) {
                return option(argv, 3, receivedAtMillis);
            }
            if (CommandName.is(name, "PEXPIREAT")) {
                return at(argv, 2, 1, receivedAtMillis);
            }
            if (CommandName.is(name, "EXPIREAT")) {
                return at(argv, 2, 1000, receivedAtMillis);
            }
            if (CommandName.is(name, "GETEX")) {
                return option(argv, 2, receivedAtMillis);
            }
            return CommandName.is(name, "RESTORE") ? restore(argv, receivedAtMillis) : argv;
        } catch (NumberFormatException | ArithmeticException e) {
            return argv; // not a valid time: the target refuses it as the source would have
        }
    }

    /**
     * False for most commands without looking further: every command this rewrites starts with P, E, S, G or R
     * and is 3 to 9 letters long (on every command's path: no string is made for the others).
     */
    private static boolean mayExpire(byte[] name) {
        if (name.length < 3 || name.length > 9) {
            return false;
        }
        int first = name[0] & 0xDF; // ASCII upper case
        return first == 'P' || first == 'E' || first == 'S' || first == 'G' || first == 'R';
    }

    /** {@code PEXPIREAT key ms} / {@code EXPIREAT key s}, sent as {@code PEXPIREAT} with the held time in ms. */
    private List<byte[]> at(List<byte[]> argv, int index, long unit, long now) {
        long at = Math.multiplyExact(parse(argv.get(index)), unit);
        long held = hold(at, now);
        if (held == at) {
            return argv;
        }
        List<byte[]> out = new ArrayList<>(argv);
        out.set(0, Ascii.bytes("PEXPIREAT"));
        out.set(index, Ascii.number(held));
        return out;
    }

    private List<byte[]> option(List<byte[]> argv, int from, long now) {
        for (int i = from; i < argv.size() - 1; i++) {
            byte[] opt = argv.get(i);
            boolean exat = CommandName.is(opt, "EXAT");
            if (exat || CommandName.is(opt, "PXAT")) {
                long at = Math.multiplyExact(parse(argv.get(i + 1)), exat ? 1000 : 1);
                long held = hold(at, now);
                if (held == at) {
                    return argv;
                }
                List<byte[]> out = new ArrayList<>(argv);
                out.set(i, Ascii.bytes("PXAT"));
                out.set(i + 1, Ascii.number(held));
                return out;
            }
        }
        return argv;
    }

    private List<byte[]> restore(List<byte[]> argv, long now) {
        boolean absolute = false;
        for (int i = 4; i < argv.size(); i++) {
            absolute |= CommandName.is(argv.get(i), "ABSTTL");
        }
        if (!absolute) {
            return argv; // AbsoluteExpiry made every TTL absolute; a 0 (none) stays
        }
        long at = parse(argv.get(2));
        long held = hold(at, now);
        if (held == at) {
            return argv;
        }
        List<byte[]> out = new ArrayList<>(argv);
        out.set(2, Ascii.number(held));
        return out;
    }

    private static long parse(byte[] number) {
        return Long.parseLong(new String(number, StandardCharsets.US_ASCII));
    }
}
