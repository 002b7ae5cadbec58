package io.slotferry.cli;

import io.slotferry.command.CommandSpec;
import io.slotferry.command.CommandTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A seeded, reproducible write workload over every write command of the {@link CommandTable} that a
 * source server knows: a recipe per command builds a valid call from a model of the keyspace (keys
 * named by the type they are meant to hold, hash-tagged groups for multi-key forms, databases 0-2),
 * plus MULTI/EXEC blocks, scripts (EVAL/EVALSHA, FCALL) and relative and absolute expiries. The
 * source itself is the oracle: a call it refuses (a key a RENAME turned into another type) is simply
 * not replicated. Each command is remembered per key it names (the last few), to explain a difference.
 *
 * <p>{@link #COVERED} and {@link #NOT_GENERATED} together must name every write command of the table
 * ({@code WorkloadTest} checks it): a new command in the table fails the build until it has a recipe
 * or a stated reason.
 */
final class Workload {
    /** Write commands the workload does not send, each with its reason. */
    static final Map<String, String> NOT_GENERATED = Map.ofEntries(
            Map.entry("migrate", "moves keys to another server; its replicated effect is a DEL, generated directly"),
            Map.entry("flushall", "wipes every database of the source, and so the whole run; FLUSHDB of one database is generated"),
            Map.entry("swapdb", "replayed by renaming every key of two databases: not exactly-once across a crash (docs/replay.md)"),
            Map.entry("pfdebug", "a debugging command that rewrites an HLL's encoding"),
            Map.entry("function|flush", "stops the worker by design (it would delete every source's libraries on the shared target)"),
            Map.entry("function|delete", "a library deleted while FCALLs of it are still in the stream stops the replay"),
            Map.entry("function|restore", "restores a FUNCTION DUMP payload; FUNCTION LOAD is generated"),
            Map.entry("restore-asking", "cluster-internal, never in a standalone master's stream"),
            Map.entry("hexpire", "hash field TTLs (7.4+) cannot be held by the 7.0 target"),
            Map.entry("hpexpire", "hash field TTLs (7.4+) cannot be held by the 7.0 target"),
            Map.entry("hexpireat", "hash field TTLs (7.4+) cannot be held by the 7.0 target"),
            Map.entry("hpexpireat", "hash field TTLs (7.4+) cannot be held by the 7.0 target"),
            Map.entry("hpersist", "hash field TTLs (7.4+) cannot be held by the 7.0 target"),
            Map.entry("slotsdel", "codis-server only"), Map.entry("slotsmgrt-exec-wrapper", "codis-server only"),
            Map.entry("slotsmgrtone", "codis-server only"), Map.entry("slotsmgrtone-async", "codis-server only"),
            Map.entry("slotsmgrtslot", "codis-server only"), Map.entry("slotsmgrtslot-async", "codis-server only"),
            Map.entry("slotsmgrttagone", "codis-server only"), Map.entry("slotsmgrttagone-async", "codis-server only"),
            Map.entry("slotsmgrttagslot", "codis-server only"), Map.entry("slotsmgrttagslot-async", "codis-server only"),
            Map.entry("slotsrestore", "codis-server only"), Map.entry("slotsrestore-async", "codis-server only"),
            Map.entry("slotsrestore-async-ack", "codis-server only"));

    /**
     * What a Twemproxy pool passes (nutcracker 0.5: no SELECT, MULTI, scripts or blocking commands, and
     * EXPIRE without NX/XX/GT/LT): the mix of a proxied cache, multi-key forms on hash-tagged keys.
     */
    static final Set<String> THROUGH_TWEMPROXY = Set.of("set", "setex", "psetex", "setnx", "getset", "setrange", "append",
            "incr", "incrby", "decr", "incrbyfloat", "setbit", "pfadd", "hset", "hmset", "hsetnx", "hincrby", "hdel", "lpush",
            "rpush", "lpop", "rpop", "ltrim", "lset", "lrem", "linsert", "sadd", "srem", "spop", "smove", "zadd", "zincrby",
            "zrem", "zremrangebyrank", "zremrangebyscore", "expire", "pexpire", "expireat", "pexpireat", "persist", "del",
            "unlink", "rpoplpush", "getdel", "getex", "lmove");

    private static final String[] TYPES = {"s", "n", "f", "b", "h", "l", "z", "t", "g", "p", "x"};
    private static final int KEYS_PER_TYPE = 60;
    private static final int GROUPS = 12;
    private static final int HISTORY = 12;
    private static final String LIBRARY = "#!lua name=slotferrywl\n"
            + "redis.register_function('wlset', function(keys, args) return redis.call('SET', keys[1], args[1]) end)";
    private static final String SCRIPT = "redis.call('INCR', KEYS[1]); return redis.call('RPUSH', KEYS[2], ARGV[1])";

    /** The recipes: command name (table spelling) to a builder of one call. */
    private final Map<String, Recipe> recipes = new LinkedHashMap<>();
    /** Commands {@link #nextStep} sends itself rather than through a recipe. */
    private static final Set<String> BY_STEP = Set.of("flushdb");
    /** Every write command the workload sends. */
    static final Set<String> COVERED;

    static {
        Set<String> covered = new TreeSet<>(new Workload(0, Set.of(), false, 0).recipes.keySet());
        covered.addAll(BY_STEP);
        COVERED = Set.copyOf(covered);
    }

    /** Stands for the DUMP payload {@link #prepare} took, in a RESTORE's arguments (bytes, not text). */
    private static final String DUMP_PAYLOAD = new String("<dump payload>");
    private byte[] dumpPayload;

    @FunctionalInterface
    private interface Recipe {
        List<String> call();
    }

    private final long seed;
    private final long epochMillis;
    private final Random rnd;
    private final List<String> enabled = new ArrayList<>();
    private final boolean shortTtls;
    private final boolean proxied;
    private final Map<String, Deque<String>> history = new HashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Map<String, Long> perCommand = new TreeMap<>();
    private int db;
    private final String scriptSha = sha1(SCRIPT);

    /**
     * @param seed      the seed (printed on every failure)
     * @param known     the write commands the source server knows (table spelling)
     * @param shortTtls also expiries of a few seconds (the expiry race); otherwise at least ten minutes
     * @param epochMillis the time absolute expiries and ids are counted from (the run's start)
     */
    Workload(long seed, Set<String> known, boolean shortTtls, long epochMillis) {
        this(seed, known, shortTtls, epochMillis, false);
    }

    /** A workload sent through a Twemproxy pool: {@link #THROUGH_TWEMPROXY} only, one database, no MULTI. */
    static Workload throughTwemproxy(long seed, long epochMillis) {
        return new Workload(seed, THROUGH_TWEMPROXY, false, epochMillis, true);
    }

    private Workload(long seed, Set<String> known, boolean shortTtls, long epochMillis, boolean proxied) {
        this.seed = seed;
        this.proxied = proxied;
        this.epochMillis = epochMillis;
        this.rnd = new Random(seed);
        this.shortTtls = shortTtls;
        defineRecipes();
        for (String name : recipes.keySet()) {
            if (known.contains(name)) {
                enabled.add(name);
            }
        }
    }

    /** The write commands of {@code table} that {@code source} knows ({@code COMMAND INFO}), in table spelling. */
    static Set<String> knownWrites(CommandTable table, Jedis source) {
        Set<String> out = new TreeSet<>();
        for (CommandSpec spec : table.all()) {
            boolean script = spec.name().equals("eval") || spec.name().equals("evalsha") || spec.name().equals("fcall");
            if (!spec.write() && !script) {
                continue;
            }
            String top = spec.name().contains("|") ? spec.name().substring(0, spec.name().indexOf('|')) : spec.name();
            Object info = source.sendCommand(Protocol.Command.COMMAND, "INFO", top);
            if (info instanceof List<?> l && !l.isEmpty() && l.get(0) != null) {
                out.add(spec.name());
            }
        }
        return out;
    }

    long seed() {
        return seed;
    }

    long sent() {
        return sent.get();
    }

    /** Commands sent, by name: what the workload exercised. */
    synchronized Map<String, Long> perCommand() {
        return new TreeMap<>(perCommand);
    }

    /** The last commands that named {@code key} (as the source saw them, with their database). */
    synchronized List<String> history(String key) {
        Deque<String> h = history.get(key);
        return h == null ? List.of() : List.copyOf(h);
    }

    /** What the generated calls need on the source: the script (for EVALSHA), the library (FCALL), a DUMP payload (RESTORE). */
    void prepare(Jedis source) {
        source.scriptLoad(SCRIPT);
        source.set("wl:dump-source", "restored");
        dumpPayload = source.dump("wl:dump-source");
        if (enabled.contains("fcall")) {
            source.functionLoadReplace(LIBRARY);
        }
    }

    /** Sends {@code steps} steps at about {@code perSecond}. */
    void run(Jedis source, int steps, int perSecond) throws InterruptedException {
        long start = System.nanoTime();
        long n = 0;
        if (!proxied) {
            source.select(db); // a new connection starts in db 0; a proxy knows no SELECT
        }
        while (n < steps) {
            step(source);
            n++;
            long due = start + n * 1_000_000_000L / perSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }

    /** Sends one step. */
    void step(Jedis source) {
        for (List<String> argv : nextStep()) {
            send(source, argv);
        }
    }

    /** The calls of the next step: usually one command; sometimes a database change, a MULTI block or a FLUSHDB. */
    List<List<String>> nextStep() {
        List<List<String>> out = new ArrayList<>();
        int dice = proxied ? 1000 : rnd.nextInt(1000);
        if (dice < 8) {
            db = rnd.nextInt(3);
            out.add(List.of("SELECT", Integer.toString(db)));
        } else if (dice < 20) {
            out.add(List.of("MULTI"));
            int n = 2 + rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                out.add(enabledCall());
            }
            out.add(List.of("EXEC"));
        } else if (dice < 22 && db == 2) {
            out.add(List.of("FLUSHDB")); // only database 2: the replayer deletes its prefix's keys
        } else {
            out.add(enabledCall());
        }
        return out;
    }

    private List<String> enabledCall() {
        String name = enabled.get(rnd.nextInt(enabled.size()));
        return recipes.get(name).call();
    }

    private void send(Jedis source, List<String> argv) {
        String name = argv.get(0).toUpperCase(Locale.ROOT);
        byte[][] args = new byte[argv.size() - 1][];
        for (int i = 1; i < argv.size(); i++) {
            args[i - 1] = argv.get(i) == DUMP_PAYLOAD ? dumpPayload : argv.get(i).getBytes(StandardCharsets.UTF_8);
        }
        ProtocolCommand command = () -> name.getBytes(StandardCharsets.US_ASCII);
        synchronized (this) {
            perCommand.merge(name, 1L, Long::sum);
            String line = "db" + db + " " + String.join(" ", argv);
            for (String a : argv) {
                if (a.startsWith("wl:")) {
                    Deque<String> h = history.computeIfAbsent(db == 0 ? a : db + ":" + a, k -> new ArrayDeque<>());
                    if (h.size() == HISTORY) {
                        h.removeFirst();
                    }
                    h.addLast(line);
                }
            }
        }
        sent.incrementAndGet();
        try {
            source.sendCommand(command, args);
        } catch (JedisDataException e) {
            refused.incrementAndGet(); // the source refused it (wrong type, no such key): not replicated
        }
    }

    // ------------------------------------------------------------------ the model of the keyspace

    private String key(String type) {
        int i = rnd.nextInt(KEYS_PER_TYPE);
        return i % 3 == 0 ? tagged(type, i) : "wl:" + type + ":" + i;
    }

    /** A key of {@code type} in hash-tag group {@code i % GROUPS}: multi-key forms use one group. */
    private static String tagged(String type, int i) {
        return "wl:{g" + (i % GROUPS) + "}:" + type + ":" + i;
    }

    /** Several keys of {@code types} in one randomly chosen group (one slot on the target). */
    private List<String> group(String... types) {
        int g = rnd.nextInt(GROUPS);
        List<String> out = new ArrayList<>();
        for (String t : types) {
            out.add(tagged(t, g + GROUPS * rnd.nextInt(KEYS_PER_TYPE / GROUPS)));
        }
        return out;
    }

    private String anyKey() {
        return key(TYPES[rnd.nextInt(TYPES.length)]);
    }

    private String member() {
        return "m" + rnd.nextInt(40);
    }

    private String value() {
        return rnd.nextInt(10) == 0 ? "" : "v" + rnd.nextInt(100_000) + (rnd.nextInt(8) == 0 ? "-é€" : "");
    }

    private String num(int bound) {
        return Integer.toString(rnd.nextInt(bound));
    }

    private String score() {
        return rnd.nextInt(5) == 0 ? "-inf" : Integer.toString(rnd.nextInt(100));
    }

    /** A relative expiry in seconds: long unless the workload races expiries on purpose. */
    private long ttlSeconds() {
        return shortTtls && rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(4) : 600 + rnd.nextInt(3000);
    }

    private String absoluteSeconds() {
        return Long.toString(epochMillis / 1000 + ttlSeconds());
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> l(String... a) {
        return new ArrayList<>(List.of(a));
    }

    private List<String> withOptional(List<String> base, String... options) {
        if (rnd.nextBoolean()) {
            base.add(options[rnd.nextInt(options.length)]);
        }
        return base;
    }

    private void defineRecipes() {
        Map<String, Recipe> r = recipes;
        // strings
        r.put("set", () -> {
            List<String> a = l("SET", key("s"), value());
            switch (rnd.nextInt(7)) {
                case 0 -> a.addAll(List.of("EX", Long.toString(ttlSeconds())));
                case 1 -> a.addAll(List.of("PX", Long.toString(ttlSeconds() * 1000)));
                case 2 -> a.add("NX");
                case 3 -> a.add("XX");
                case 4 -> a.add("KEEPTTL");
                case 5 -> a.add("GET");
                default -> {
                }
            }
            return a;
        });
        r.put("setex", () -> l("SETEX", key("s"), Long.toString(ttlSeconds()), value()));
        r.put("psetex", () -> l("PSETEX", key("s"), Long.toString(ttlSeconds() * 1000), value()));
        r.put("setnx", () -> l("SETNX", key("s"), value()));
        r.put("getset", () -> l("GETSET", key("s"), value()));
        r.put("getdel", () -> l("GETDEL", key("s")));
        r.put("getex", () -> rnd.nextBoolean() ? l("GETEX", key("s"), "EX", Long.toString(ttlSeconds())) : l("GETEX", key("s"), "PERSIST"));
        r.put("setrange", () -> l("SETRANGE", key("s"), num(20), value()));
        r.put("append", () -> l("APPEND", key("s"), value()));
        r.put("incr", () -> l("INCR", key("n")));
        r.put("incrby", () -> l("INCRBY", key("n"), num(100)));
        r.put("decr", () -> l("DECR", key("n")));
        r.put("decrby", () -> l("DECRBY", key("n"), num(100)));
        r.put("incrbyfloat", () -> l("INCRBYFLOAT", key("f"), rnd.nextInt(50) + ".25"));
        r.put("setbit", () -> l("SETBIT", key("b"), num(200), num(2)));
        r.put("bitfield", () -> l("BITFIELD", key("b"), "INCRBY", "u8", num(64) , num(20), "SET", "i5", num(60), num(10)));
        r.put("mset", () -> {
            List<String> k = group("s", "s", "s");
            return l("MSET", k.get(0), value(), k.get(1), value(), k.get(2), value());
        });
        r.put("msetnx", () -> {
            List<String> k = group("s", "s");
            return l("MSETNX", k.get(0), value(), k.get(1), value());
        });
        r.put("bitop", () -> {
            List<String> k = group("b", "b", "b");
            return l("BITOP", new String[] {"AND", "OR", "XOR"}[rnd.nextInt(3)], k.get(0), k.get(1), k.get(2));
        });
        // keys
        r.put("del", () -> rnd.nextBoolean() ? l("DEL", anyKey()) : l("DEL", group("s", "h").get(0), group("s", "h").get(1)));
        r.put("unlink", () -> l("UNLINK", anyKey()));
        r.put("expire", () -> proxied ? l("EXPIRE", anyKey(), Long.toString(ttlSeconds()))
                : withOptional(l("EXPIRE", anyKey(), Long.toString(ttlSeconds())), "NX", "XX", "GT", "LT"));
        r.put("pexpire", () -> l("PEXPIRE", anyKey(), Long.toString(ttlSeconds() * 1000)));
        r.put("expireat", () -> l("EXPIREAT", anyKey(), absoluteSeconds()));
        r.put("pexpireat", () -> l("PEXPIREAT", anyKey(), absoluteSeconds() + "000"));
        r.put("persist", () -> l("PERSIST", anyKey()));
        r.put("rename", () -> {
            String t = TYPES[rnd.nextInt(TYPES.length)];
            List<String> k = group(t, t);
            return l("RENAME", k.get(0), k.get(1));
        });
        r.put("renamenx", () -> {
            List<String> k = group("h", "h");
            return l("RENAMENX", k.get(0), k.get(1));
        });
        r.put("copy", () -> {
            List<String> k = group("z", "z");
            return l("COPY", k.get(0), k.get(1), "REPLACE");
        });
        r.put("move", () -> l("MOVE", key("s"), Integer.toString((db + 1 + rnd.nextInt(2)) % 3)));
        r.put("restore", () -> l("RESTORE", key("s"), rnd.nextBoolean() ? "0" : Long.toString(ttlSeconds() * 1000), DUMP_PAYLOAD, "REPLACE"));
        r.put("sort", () -> {
            List<String> k = group("l", "l");
            return l("SORT", k.get(0), "ALPHA", "STORE", k.get(1));
        });
        // hashes
        r.put("hset", () -> l("HSET", key("h"), "f" + num(20), value(), "f" + num(20), value()));
        r.put("hmset", () -> l("HMSET", key("h"), "f" + num(20), value()));
        r.put("hsetnx", () -> l("HSETNX", key("h"), "f" + num(20), value()));
        r.put("hdel", () -> l("HDEL", key("h"), "f" + num(20)));
        r.put("hincrby", () -> l("HINCRBY", key("h"), "c" + num(3), num(10)));
        r.put("hincrbyfloat", () -> l("HINCRBYFLOAT", key("h"), "d" + num(3), "1.5"));
        // lists
        r.put("lpush", () -> l("LPUSH", key("l"), value(), member()));
        r.put("rpush", () -> l("RPUSH", key("l"), value()));
        r.put("lpushx", () -> l("LPUSHX", key("l"), member()));
        r.put("rpushx", () -> l("RPUSHX", key("l"), member()));
        r.put("lpop", () -> rnd.nextBoolean() ? l("LPOP", key("l")) : l("LPOP", key("l"), num(3)));
        r.put("rpop", () -> l("RPOP", key("l")));
        r.put("linsert", () -> l("LINSERT", key("l"), rnd.nextBoolean() ? "BEFORE" : "AFTER", member(), value()));
        r.put("lset", () -> l("LSET", key("l"), Integer.toString(rnd.nextInt(6) - 3), value()));
        r.put("lrem", () -> l("LREM", key("l"), Integer.toString(rnd.nextInt(5) - 2), member()));
        r.put("ltrim", () -> l("LTRIM", key("l"), num(3), Integer.toString(rnd.nextInt(30) - 10)));
        r.put("rpoplpush", () -> {
            List<String> k = group("l", "l");
            return l("RPOPLPUSH", k.get(0), k.get(1));
        });
        r.put("lmove", () -> {
            List<String> k = group("l", "l");
            return l("LMOVE", k.get(0), k.get(1), "LEFT", "RIGHT");
        });
        r.put("lmpop", () -> l("LMPOP", "2", group("l", "l").get(0), group("l", "l").get(0), "LEFT"));
        r.put("blpop", () -> l("BLPOP", key("l"), "0.01"));
        r.put("brpop", () -> l("BRPOP", key("l"), "0.01"));
        r.put("blmove", () -> {
            List<String> k = group("l", "l");
            return l("BLMOVE", k.get(0), k.get(1), "RIGHT", "LEFT", "0.01");
        });
        r.put("brpoplpush", () -> {
            List<String> k = group("l", "l");
            return l("BRPOPLPUSH", k.get(0), k.get(1), "0.01");
        });
        r.put("blmpop", () -> l("BLMPOP", "0.01", "1", key("l"), "RIGHT", "COUNT", "2"));
        // sets
        r.put("sadd", () -> l("SADD", key("t"), member(), member()));
        r.put("srem", () -> l("SREM", key("t"), member()));
        r.put("spop", () -> rnd.nextBoolean() ? l("SPOP", key("t")) : l("SPOP", key("t"), num(3)));
        r.put("smove", () -> {
            List<String> k = group("t", "t");
            return l("SMOVE", k.get(0), k.get(1), member());
        });
        for (String store : new String[] {"sunionstore", "sinterstore", "sdiffstore"}) {
            r.put(store, () -> {
                List<String> k = group("t", "t", "t");
                return l(store.toUpperCase(Locale.ROOT), k.get(0), k.get(1), k.get(2));
            });
        }
        // sorted sets
        r.put("zadd", () -> {
            List<String> a = l("ZADD", key("z"));
            switch (rnd.nextInt(6)) {
                case 0 -> a.add("NX");
                case 1 -> a.add("XX");
                case 2 -> a.add("GT");
                case 3 -> a.addAll(List.of("INCR"));
                default -> {
                }
            }
            a.addAll(List.of(num(100), member()));
            if (!a.contains("INCR") && rnd.nextBoolean()) {
                a.addAll(List.of(num(100), member()));
            }
            return a;
        });
        r.put("zincrby", () -> l("ZINCRBY", key("z"), num(10), member()));
        r.put("zrem", () -> l("ZREM", key("z"), member()));
        r.put("zremrangebyrank", () -> l("ZREMRANGEBYRANK", key("z"), "0", num(2)));
        r.put("zremrangebyscore", () -> l("ZREMRANGEBYSCORE", key("z"), score(), num(30)));
        r.put("zremrangebylex", () -> l("ZREMRANGEBYLEX", key("z"), "[m1", "[m2"));
        r.put("zpopmin", () -> l("ZPOPMIN", key("z")));
        r.put("zpopmax", () -> l("ZPOPMAX", key("z"), num(3)));
        r.put("bzpopmin", () -> l("BZPOPMIN", key("z"), "0.01"));
        r.put("bzpopmax", () -> l("BZPOPMAX", key("z"), "0.01"));
        r.put("zmpop", () -> l("ZMPOP", "1", key("z"), "MIN", "COUNT", "2"));
        r.put("bzmpop", () -> l("BZMPOP", "0.01", "1", key("z"), "MAX"));
        for (String store : new String[] {"zunionstore", "zinterstore", "zdiffstore"}) {
            r.put(store, () -> {
                List<String> k = group("z", "z", "z");
                return l(store.toUpperCase(Locale.ROOT), k.get(0), "2", k.get(1), k.get(2));
            });
        }
        r.put("zrangestore", () -> {
            List<String> k = group("z", "z");
            return l("ZRANGESTORE", k.get(0), k.get(1), "0", num(5));
        });
        // geo (sorted sets of geohashes)
        r.put("geoadd", () -> l("GEOADD", key("g"), "13." + num(99), "52." + num(99), member()));
        r.put("georadius", () -> {
            List<String> k = group("g", "g");
            return l("GEORADIUS", k.get(0), "13.5", "52.5", "200", "km", "STORE", k.get(1));
        });
        r.put("georadiusbymember", () -> {
            List<String> k = group("g", "g");
            return l("GEORADIUSBYMEMBER", k.get(0), member(), "100", "km", "STOREDIST", k.get(1));
        });
        r.put("geosearchstore", () -> {
            List<String> k = group("g", "g");
            return l("GEOSEARCHSTORE", k.get(1), k.get(0), "FROMLONLAT", "13.5", "52.5", "BYRADIUS", "300", "km");
        });
        // hyperloglog
        r.put("pfadd", () -> l("PFADD", key("p"), member(), member()));
        r.put("pfmerge", () -> {
            List<String> k = group("p", "p", "p");
            return l("PFMERGE", k.get(0), k.get(1), k.get(2));
        });
        // streams
        r.put("xadd", () -> rnd.nextInt(5) == 0 ? l("XADD", key("x"), "MAXLEN", "20", "*", "f", value())
                : l("XADD", key("x"), "*", "f", value(), "g", member()));
        r.put("xdel", () -> l("XDEL", key("x"), "0-1"));
        r.put("xtrim", () -> l("XTRIM", key("x"), "MAXLEN", num(30)));
        r.put("xsetid", () -> l("XSETID", key("x"), "$"));
        r.put("xgroup|create", () -> l("XGROUP", "CREATE", key("x"), "grp" + num(2), "0", "MKSTREAM"));
        r.put("xgroup|createconsumer", () -> l("XGROUP", "CREATECONSUMER", key("x"), "grp" + num(2), "c" + num(3)));
        r.put("xgroup|delconsumer", () -> l("XGROUP", "DELCONSUMER", key("x"), "grp" + num(2), "c" + num(3)));
        r.put("xgroup|destroy", () -> l("XGROUP", "DESTROY", key("x"), "grp1"));
        r.put("xgroup|setid", () -> l("XGROUP", "SETID", key("x"), "grp" + num(2), "0"));
        r.put("xreadgroup", () -> l("XREADGROUP", "GROUP", "grp" + num(2), "c" + num(3), "COUNT", num(4), "STREAMS", key("x"), ">"));
        r.put("xack", () -> l("XACK", key("x"), "grp" + num(2), "0-1", epochMillis + "-0"));
        r.put("xclaim", () -> l("XCLAIM", key("x"), "grp" + num(2), "c" + num(3), "0", "0-1"));
        r.put("xautoclaim", () -> l("XAUTOCLAIM", key("x"), "grp" + num(2), "c" + num(3), "0", "0-0", "COUNT", "3"));
        // functions and scripts
        r.put("function|load", () -> l("FUNCTION", "LOAD", "REPLACE", LIBRARY));
        r.put("eval", () -> {
            List<String> k = group("n", "l");
            return l("EVAL", SCRIPT, "2", k.get(0), k.get(1), value());
        });
        r.put("evalsha", () -> {
            List<String> k = group("n", "l");
            return l("EVALSHA", scriptSha, "2", k.get(0), k.get(1), value());
        });
        r.put("fcall", () -> l("FCALL", "wlset", "1", key("s"), value()));
    }
}
