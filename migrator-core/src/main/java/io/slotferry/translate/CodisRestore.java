package io.slotferry.translate;

import io.slotferry.resp.Ascii;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Codis' own restore commands, as a slot migration replicates them to the target group's replicas,
 * turned into commands a Redis Cluster accepts:
 * <ul>
 *   <li>{@code SLOTSRESTORE key ttl payload [key ttl payload ...]} → per key {@code RESTORE key <abs> payload REPLACE ABSTTL};</li>
 *   <li>{@code SLOTSRESTORE-ASYNC delete key} → {@code DEL};</li>
 *   <li>{@code ... string key ttl value} → {@code SET key value [PXAT abs]};</li>
 *   <li>{@code ... object key ttl payload} → {@code RESTORE key <abs> payload REPLACE ABSTTL} (an RDB v7 DUMP payload);</li>
 *   <li>{@code ... list|hash|dict|zset key ttl total elements...}: one chunk of a big key → {@code RPUSH},
 *       {@code HSET}, {@code SADD}, {@code ZADD} (zset scores arrive as 8-byte little-endian doubles). The
 *       first chunk of a key replaces what the target held ({@code DEL} in the same transaction: another
 *       source may have written the key before it moved); every chunk sets Codis' temporary TTL, so an
 *       abandoned migration does not leave half a key forever;</li>
 *   <li>{@code ... expire key ttl} ends a chunked key: its real TTL, or {@code PERSIST}.</li>
 * </ul>
 * {@code SLOTSDEL} (Codis deleting slots under us) and unknown forms are a {@link CodisCommandException}.
 * Relative TTLs count from the time the command was received. Keys in progress (between their first
 * chunk and their {@code expire}) are remembered: one entry per key being migrated at the moment.
 */
public final class CodisRestore {
    private final UnaryOperator<byte[]> targetKey;
    private final Set<ByteBuffer> inProgress = new HashSet<>();

    public CodisRestore(UnaryOperator<byte[]> targetKey) {
        this.targetKey = targetKey;
    }

    /** True for the Codis commands this class translates or refuses. */
    public static boolean handles(List<byte[]> argv) {
        String name = Ascii.upper(argv.get(0));
        return name.equals("SLOTSRESTORE") || name.equals("SLOTSRESTORE-ASYNC") || name.equals("SLOTSDEL");
    }

    /** Keys whose chunks are arriving (first chunk seen, {@code expire} not yet). */
    public int keysInProgress() {
        return inProgress.size();
    }

    /** The target commands, one entry per key, in order. */
    public List<KeyCommands> translate(List<byte[]> argv, long receivedAtMillis) throws CodisCommandException {
        String name = Ascii.upper(argv.get(0));
        switch (name) {
            case "SLOTSDEL" -> throw new CodisCommandException(name, "Codis is deleting whole slots on this instance;"
                    + " the migration cannot follow that (stop Codis slot actions, e.g. with --codis-freeze-migrations)");
            case "SLOTSRESTORE" -> {
                if (argv.size() < 4 || (argv.size() - 1) % 3 != 0) {
                    throw new CodisCommandException(name, "needs key ttl payload triples, got " + (argv.size() - 1) + " arguments");
                }
                List<KeyCommands> out = new ArrayList<>();
                for (int i = 1; i < argv.size(); i += 3) {
                    byte[] key = targetKey.apply(argv.get(i));
                    out.add(new KeyCommands(key, List.of(restore(key, ttl(name, argv.get(i + 1)), argv.get(i + 2), receivedAtMillis)), true));
                }
                return out;
            }
            case "SLOTSRESTORE-ASYNC" -> {
                return List.of(async(argv, receivedAtMillis));
            }
            default -> throw new CodisCommandException(name, "not a Codis restore command");
        }
    }

    private KeyCommands async(List<byte[]> argv, long now) throws CodisCommandException {
        String name = "SLOTSRESTORE-ASYNC";
        if (argv.size() < 3) {
            throw new CodisCommandException(name, "needs a subcommand and a key");
        }
        String sub = Ascii.lower(argv.get(1));
        byte[] key = targetKey.apply(argv.get(2));
        String what = name + " " + sub;
        switch (sub) {
            case "delete" -> {
                inProgress.remove(ByteBuffer.wrap(key));
                return new KeyCommands(key, List.of(List.of(Ascii.bytes("DEL"), key)), true);
            }
            case "expire" -> {
                need(what, argv, 4);
                inProgress.remove(ByteBuffer.wrap(key));
                long ttl = ttl(what, argv.get(3));
                List<byte[]> cmd = ttl > 0 ? List.of(Ascii.bytes("PEXPIREAT"), key, Ascii.number(Math.addExact(now, ttl)))
                        : List.of(Ascii.bytes("PERSIST"), key);
                return new KeyCommands(key, List.of(cmd), true);
            }
            case "string" -> {
                need(what, argv, 5);
                long ttl = ttl(what, argv.get(3));
                List<byte[]> set = new ArrayList<>(List.of(Ascii.bytes("SET"), key, argv.get(4)));
                if (ttl > 0) {
                    set.add(Ascii.bytes("PXAT"));
                    set.add(Ascii.number(Math.addExact(now, ttl)));
                }
                return new KeyCommands(key, List.of(set), true);
            }
            case "object" -> {
                need(what, argv, 5);
                return new KeyCommands(key, List.of(restore(key, ttl(what, argv.get(3)), argv.get(4), now)), true);
            }
            case "list", "hash", "dict", "zset" -> {
                return chunk(what, sub, key, argv, now);
            }
            default -> throw new CodisCommandException(what, "unknown subcommand (known: delete, expire, string, object, list, hash, dict, zset)");
        }
    }

    private KeyCommands chunk(String what, String sub, byte[] key, List<byte[]> argv, long now) throws CodisCommandException {
        need(what, argv, 5);
        long ttl = ttl(what, argv.get(3));
        ttl(what, argv.get(4)); // the key's total size: checked as a number, the chunks carry the elements
        List<byte[]> elements = argv.subList(5, argv.size());
        boolean pairs = sub.equals("hash") || sub.equals("zset");
        if (pairs && elements.size() % 2 != 0) {
            throw new CodisCommandException(what, "an odd number of " + (sub.equals("hash") ? "field/value" : "member/score") + " arguments");
        }
        List<List<byte[]>> commands = new ArrayList<>();
        if (inProgress.add(ByteBuffer.wrap(key))) {
            commands.add(List.of(Ascii.bytes("DEL"), key)); // the first chunk replaces what the target held
        }
        if (!elements.isEmpty()) {
            List<byte[]> cmd = new ArrayList<>(elements.size() + 2);
            switch (sub) {
                case "list" -> {
                    cmd.add(Ascii.bytes("RPUSH"));
                    cmd.add(key);
                    cmd.addAll(elements);
                }
                case "hash" -> {
                    cmd.add(Ascii.bytes("HSET"));
                    cmd.add(key);
                    cmd.addAll(elements);
                }
                case "dict" -> {
                    cmd.add(Ascii.bytes("SADD"));
                    cmd.add(key);
                    cmd.addAll(elements);
                }
                default -> {
                    cmd.add(Ascii.bytes("ZADD"));
                    cmd.add(key);
                    for (int i = 0; i < elements.size(); i += 2) {
                        cmd.add(score(what, elements.get(i + 1)));
                        cmd.add(elements.get(i));
                    }
                }
            }
            commands.add(cmd);
        }
        if (ttl > 0) {
            commands.add(List.of(Ascii.bytes("PEXPIREAT"), key, Ascii.number(Math.addExact(now, ttl)))); // Codis' temporary TTL
        }
        // RPUSH appends: sent twice after a lost reply, it would duplicate elements
        return new KeyCommands(key, commands, !sub.equals("list"));
    }

    /** An 8-byte little-endian IEEE 754 double as a ZADD score that parses back to the same value. */
    static byte[] score(String what, byte[] raw) throws CodisCommandException {
        if (raw.length != 8) {
            throw new CodisCommandException(what, "a zset score must be 8 bytes, got " + raw.length);
        }
        double d = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getDouble();
        if (Double.isNaN(d)) {
            throw new CodisCommandException(what, "a zset score is NaN");
        }
        if (Double.isInfinite(d)) {
            return Ascii.bytes(d > 0 ? "inf" : "-inf");
        }
        return Ascii.bytes(Double.toString(d)); // shortest form that round-trips; Redis' strtod reads it exactly
    }

    private static List<byte[]> restore(byte[] key, long ttl, byte[] payload, long now) {
        return List.of(Ascii.bytes("RESTORE"), key, Ascii.number(ttl > 0 ? Math.addExact(now, ttl) : 0), payload, Ascii.bytes("REPLACE"), Ascii.bytes("ABSTTL"));
    }

    private static long ttl(String what, byte[] text) throws CodisCommandException {
        try {
            long v = Long.parseLong(new String(text, StandardCharsets.US_ASCII));
            if (v < 0) {
                throw new CodisCommandException(what, "negative number " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new CodisCommandException(what, "not a number where a ttl or size belongs");
        }
    }

    private static void need(String what, List<byte[]> argv, int n) throws CodisCommandException {
        if (argv.size() < n) {
            throw new CodisCommandException(what, "needs at least " + (n - 1) + " arguments, got " + (argv.size() - 1));
        }
    }
}
