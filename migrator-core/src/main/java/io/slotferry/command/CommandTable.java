package io.slotferry.command;

import io.slotferry.resp.Ascii;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every command any captured server knows ({@code commands.tsv}, generated from real {@code COMMAND}
 * output of Redis 2.8 … 8.0, Valkey 8 and codis-server 3.2), with the few corrections of
 * {@code overrides.tsv}. Immutable; {@link #load()} parses the resources once.
 */
public final class CommandTable {
    static final String COMMANDS = "commands.tsv";
    static final String OVERRIDES = "overrides.tsv";

    /** Override fields {@code overrides.tsv} may set. */
    static final Set<String> OVERRIDE_FIELDS = Set.of("policy", "key_specs", "first_key", "last_key", "step", "replay_safe");

    private static volatile CommandTable loaded;

    private final Map<String, CommandSpec> byName;
    /** Names that have subcommands: their argv[1] selects the entry. */
    private final Set<String> containers;

    private CommandTable(Map<String, CommandSpec> byName) {
        this.byName = Map.copyOf(byName);
        Set<String> c = new HashSet<>();
        for (String n : byName.keySet()) {
            int bar = n.indexOf('|');
            if (bar > 0) {
                c.add(n.substring(0, bar));
            }
        }
        this.containers = Set.copyOf(c);
    }

    /** The table of the resources, parsed on first use. */
    public static CommandTable load() {
        CommandTable t = loaded;
        if (t == null) {
            synchronized (CommandTable.class) {
                t = loaded;
                if (t == null) {
                    t = parse(readLines(COMMANDS), readLines(OVERRIDES));
                    loaded = t;
                }
            }
        }
        return t;
    }

    /**
     * The entry for a call: argv[0] ignoring case, and for a container command (one with
     * subcommands: XGROUP, CONFIG, SCRIPT…) argv[1] too, {@code XGROUP CREATE → xgroup|create}.
     * Empty when the command (or the subcommand) is unknown. A container alone (argv of one) gives
     * the container entry, whose arity then refuses it.
     */
    public Optional<CommandSpec> lookup(List<byte[]> argv) {
        if (argv.isEmpty()) {
            return Optional.empty();
        }
        String name = Ascii.lower(argv.get(0));
        if (containers.contains(name) && argv.size() > 1) {
            return Optional.ofNullable(byName.get(name + "|" + Ascii.lower(argv.get(1))));
        }
        return Optional.ofNullable(byName.get(name));
    }

    /** Number of entries, subcommands included. */
    /** Every command and subcommand of the table. */
    public Collection<CommandSpec> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    public int size() {
        return byName.size();
    }

    /** Every entry name (tests compare against the captures). */
    Set<String> names() {
        return byName.keySet();
    }

    static List<String> readLines(String resource) {
        InputStream in = CommandTable.class.getResourceAsStream(resource);
        if (in == null) {
            throw new CommandTableFormatException(resource, "resource missing from the classpath");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    /** Overrides by command, then field, in file order. */
    static Map<String, Map<String, String>> parseOverrides(List<String> lines) {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String where = OVERRIDES + ":" + (i + 1);
            String[] f = line.split("\t", -1);
            if (f.length != 4) {
                throw new CommandTableFormatException(where, "expected 4 tab-separated fields, got " + f.length);
            }
            if (!OVERRIDE_FIELDS.contains(f[1])) {
                throw new CommandTableFormatException(where, "unknown field " + f[1]);
            }
            if (f[3].isBlank()) {
                throw new CommandTableFormatException(where, "no reason given");
            }
            Map<String, String> fields = out.computeIfAbsent(f[0], k -> new HashMap<>());
            if (fields.put(f[1], f[2]) != null) {
                throw new CommandTableFormatException(where, "second override of " + f[0] + " " + f[1]);
            }
        }
        return out;
    }

    static CommandTable parse(List<String> commandLines, List<String> overrideLines) {
        Map<String, Map<String, String>> overrides = parseOverrides(overrideLines);
        Map<String, CommandSpec> byName = new HashMap<>();
        for (int i = 0; i < commandLines.size(); i++) {
            String line = commandLines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String where = COMMANDS + ":" + (i + 1);
            String[] f = line.split("\t", -1);
            if (f.length != 10) {
                throw new CommandTableFormatException(where, "expected 10 tab-separated fields, got " + f.length);
            }
            String name = f[0];
            Map<String, String> o = overrides.getOrDefault(name, Map.of());
            try {
                int arity = Integer.parseInt(f[1]);
                Set<String> flags = set(f[2]);
                int first = Integer.parseInt(o.getOrDefault("first_key", f[3]));
                int last = Integer.parseInt(o.getOrDefault("last_key", f[4]));
                int step = Integer.parseInt(o.getOrDefault("step", f[5]));
                List<KeySpec> specs = keySpecs(o.getOrDefault("key_specs", f[6]), where);
                Set<String> tips = set(f[7]);
                ShardPolicy policy = o.containsKey("policy")
                        ? ShardPolicy.valueOf(o.get("policy"))
                        : derivePolicy(tips, specs, first);
                ReplaySafety safety = o.containsKey("replay_safe") ? ReplaySafety.of(o.get("replay_safe")) : ReplaySafety.UNCLASSIFIED;
                if (byName.put(name, new CommandSpec(name, arity, flags, first, last, step, specs, tips, policy,
                        f[8], f[9], safety)) != null) {
                    throw new CommandTableFormatException(where, "duplicate command " + name);
                }
            } catch (IllegalArgumentException e) { // NumberFormatException and ShardPolicy.valueOf
                throw new CommandTableFormatException(where, e.getMessage());
            }
        }
        for (String name : overrides.keySet()) {
            if (!byName.containsKey(name)) {
                throw new CommandTableFormatException(OVERRIDES, "override of unknown command " + name);
            }
        }
        return new CommandTable(byName);
    }

    /**
     * Tips first (they are what Redis tells cluster clients), then keys: {@code multi_shard} →
     * split per slot; {@code all_shards}/{@code all_nodes} → every primary (the replayer only
     * writes to primaries, so the two are one); no keys at all → keyless; otherwise one slot.
     */
    static ShardPolicy derivePolicy(Set<String> tips, List<KeySpec> specs, int firstKey) {
        if (tips.contains("request_policy:multi_shard")) {
            return ShardPolicy.MULTI_SHARD_SPLIT;
        }
        if (tips.contains("request_policy:all_shards") || tips.contains("request_policy:all_nodes")) {
            return ShardPolicy.ALL_SHARDS;
        }
        if (specs.isEmpty() && firstKey == 0) {
            return ShardPolicy.KEYLESS;
        }
        return ShardPolicy.SINGLE_KEY_OR_SLOT;
    }

    private static Set<String> set(String field) {
        if (field.equals("-")) {
            return Set.of();
        }
        return Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(field.split(","))));
    }

    /** {@code FLAGS BEGIN FIND[;…]}, the notation of the commands.tsv header. */
    static List<KeySpec> keySpecs(String field, String where) {
        if (field.equals("-")) {
            return List.of();
        }
        List<KeySpec> specs = new ArrayList<>();
        for (String s : field.split(";")) {
            String[] p = s.split(" ");
            if (p.length != 3) {
                throw new CommandTableFormatException(where, "key spec '" + s + "' is not 'FLAGS BEGIN FIND'");
            }
            specs.add(new KeySpec(set(p[0]), beginSearch(p[1], where), findKeys(p[2], where)));
        }
        return specs;
    }

    private static KeySpec.BeginSearch beginSearch(String s, String where) {
        if (s.equals("unknown")) {
            return new KeySpec.UnknownBegin();
        }
        if (s.startsWith("index:")) {
            return new KeySpec.Index(Integer.parseInt(s.substring(6)));
        }
        if (s.startsWith("keyword:")) {
            String[] a = s.substring(8).split(",");
            if (a.length == 2) {
                return new KeySpec.Keyword(a[0], Integer.parseInt(a[1]));
            }
        }
        throw new CommandTableFormatException(where, "begin_search '" + s + "'");
    }

    private static KeySpec.FindKeys findKeys(String s, String where) {
        if (s.equals("unknown")) {
            return new KeySpec.UnknownFind();
        }
        String[] a = s.substring(s.indexOf(':') + 1).split(",");
        if (a.length == 3 && s.startsWith("range:")) {
            return new KeySpec.Range(Integer.parseInt(a[0]), Integer.parseInt(a[1]), Integer.parseInt(a[2]));
        }
        if (a.length == 3 && s.startsWith("keynum:")) {
            return new KeySpec.Keynum(Integer.parseInt(a[0]), Integer.parseInt(a[1]), Integer.parseInt(a[2]));
        }
        throw new CommandTableFormatException(where, "find_keys '" + s + "'");
    }
}
