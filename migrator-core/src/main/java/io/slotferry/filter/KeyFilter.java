package io.slotferry.filter;

import io.slotferry.rdb.ValueType;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Which source keys a run copies and a verify compares: a key is kept when it matches an include pattern (or
 * none was given), matches no exclude pattern, and its type is one of {@link #types()} (or none was given).
 * Patterns are matched against the source key name, before any database mapping.
 *
 * <p>The rules are immutable; each instance also counts what it left out, per {@link LeftOut} and for the
 * snapshot and the stream apart. {@link #counting()} gives one worker its own counters over the same rules.
 * Thread-safe.
 */
public final class KeyFilter {
    /** Keeps every key (no option given). */
    public static final KeyFilter NONE = new KeyFilter(List.of(), List.of(), EnumSet.allOf(ValueType.class));

    private final List<KeyPattern> includes;
    private final List<KeyPattern> excludes;
    private final Set<ValueType> types;
    private final LongAdder[] snapshot = adders();
    private final LongAdder[] stream = adders();
    private final LongAdder recopied = new LongAdder();

    private KeyFilter(List<KeyPattern> includes, List<KeyPattern> excludes, Set<ValueType> types) {
        this.includes = List.copyOf(includes);
        this.excludes = List.copyOf(excludes);
        this.types = Set.copyOf(types);
    }

    /**
     * A filter of the options' texts: patterns as {@link KeyPattern#parse}, types as their {@code TYPE} names
     * ({@code string,list,set,zset,hash,stream,module}); an empty list or null types keep everything.
     *
     * @throws IllegalArgumentException an invalid pattern or an unknown type name
     */
    public static KeyFilter of(List<String> include, List<String> exclude, List<String> typeNames) {
        Set<ValueType> types = EnumSet.noneOf(ValueType.class);
        if (typeNames == null || typeNames.isEmpty()) {
            types = EnumSet.allOf(ValueType.class);
        } else {
            for (String name : typeNames) {
                types.add(type(name.trim()));
            }
        }
        return new KeyFilter(include.stream().map(KeyPattern::parse).toList(),
                exclude.stream().map(KeyPattern::parse).toList(), types);
    }

    private static ValueType type(String name) {
        for (ValueType t : ValueType.values()) {
            if (t.wireName().equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown type " + name + " in --types: use string, list, set, zset, hash,"
                + " stream, module (TYPE's names; hyperloglog and bitmap values are strings, geo values zsets)");
    }

    /** The same rules with counters of its own (one per worker). */
    public KeyFilter counting() {
        return new KeyFilter(includes, excludes, types);
    }

    /** False for {@link #NONE}-like filters: nothing is ever left out. */
    public boolean active() {
        return !includes.isEmpty() || !excludes.isEmpty() || typesActive();
    }

    /** Whether {@code --types} leaves some type out. */
    public boolean typesActive() {
        return types.size() < ValueType.values().length;
    }

    /** The types kept. */
    public Set<ValueType> types() {
        return types;
    }

    /** Which pattern leaves {@code key} out, or null when its name is kept. Not counted. */
    public LeftOut byName(byte[] key) {
        if (!includes.isEmpty()) {
            boolean any = false;
            for (int i = 0, n = includes.size(); i < n; i++) { // indexed: once per key, and C1 allocates iterators
                if (includes.get(i).matches(key)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return LeftOut.INCLUDE;
            }
        }
        for (int i = 0, n = excludes.size(); i < n; i++) {
            if (excludes.get(i).matches(key)) {
                return LeftOut.EXCLUDE;
            }
        }
        return null;
    }

    /** Whether values of type {@code t} are kept. */
    public boolean keeps(ValueType t) {
        return types.contains(t);
    }

    /** The filter leaving {@code key} (of type {@code type}) out, or null when it is kept. Not counted. */
    public LeftOut leftOut(byte[] key, ValueType type) {
        LeftOut byName = byName(key);
        if (byName != null) {
            return byName;
        }
        return type != null && !keeps(type) ? LeftOut.TYPES : null;
    }

    /** Whether a snapshot key is copied; one left out is counted under its filter. */
    public boolean keepsSnapshotKey(byte[] key, ValueType type) {
        LeftOut out = leftOut(key, type);
        if (out == null) {
            return true;
        }
        snapshot[out.ordinal()].increment();
        return false;
    }

    /** Counts {@code keys} keys of stream commands left out by {@code filter}. */
    public void streamLeftOut(LeftOut filter, long keys) {
        stream[filter.ordinal()].add(keys);
    }

    /** Counts a key copied again from the source because a stream command mixed kept and left-out keys. */
    void recopied() {
        recopied.increment();
    }

    /**
     * The counters: {@code snapshot:include}, {@code snapshot:exclude}, {@code snapshot:types} (snapshot keys),
     * {@code stream:include}, ... (keys of stream commands) and {@code recopied} (keys copied again from the
     * source), each present only when non-zero.
     */
    public Map<String, Long> counts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (LeftOut f : LeftOut.values()) {
            put(out, "snapshot:" + f.wireName(), snapshot[f.ordinal()].sum());
        }
        for (LeftOut f : LeftOut.values()) {
            put(out, "stream:" + f.wireName(), stream[f.ordinal()].sum());
        }
        put(out, "recopied", recopied.sum());
        return out;
    }

    private static void put(Map<String, Long> out, String name, long n) {
        if (n > 0) {
            out.put(name, n);
        }
    }

    /** {@code --include 'user:*' --exclude 'user:*:cache' --types hash,string}, or "no filter". */
    public String describe() {
        if (!active()) {
            return "no filter";
        }
        StringBuilder s = new StringBuilder();
        for (KeyPattern p : includes) {
            s.append(" --include '").append(p.text()).append('\'');
        }
        for (KeyPattern p : excludes) {
            s.append(" --exclude '").append(p.text()).append('\'');
        }
        if (typesActive()) {
            s.append(" --types ").append(String.join(",", types.stream().sorted().map(ValueType::wireName).toList()));
        }
        return s.substring(1);
    }

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[LeftOut.values().length];
        for (int i = 0; i < a.length; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    @Override
    public String toString() {
        return describe();
    }
}
