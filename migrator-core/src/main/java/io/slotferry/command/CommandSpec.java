package io.slotferry.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * One command of the table (a subcommand is named {@code container|sub}), as the newest capture
 * that has it reports it, with overrides applied.
 *
 * @param name      lower-case name, {@code xgroup|create} for a subcommand
 * @param arity     Redis arity: exact argc when positive, minimum argc when negative (0: not checked,
 *                  as some Codis commands declare)
 * @param flags     command flags ({@code write}, {@code readonly}, {@code movablekeys}…)
 * @param firstKey  legacy first key index (0: no keys)
 * @param lastKey   legacy last key index, negative from the end
 * @param step      legacy key step
 * @param keySpecs  7.0+ key specs; empty for commands known only before 7.0
 * @param tips      command tips ({@code request_policy:multi_shard}…)
 * @param policy    how the replayer routes it, derived at load (see {@link ShardPolicy})
 * @param firstSeen oldest capture listing the command ({@code redis-2.8.24}, {@code codis-server-3.2.11}…)
 * @param lastSeen  newest capture listing it, the one its metadata comes from
 * @param replaySafety whether a write may be applied again after a crash (overrides.tsv {@code replay_safe}):
 *                  unsafe stream writes (INCR, RPUSH, RENAME, LTRIM...) carry an applied mark so a restart
 *                  never applies them twice; see {@link ReplaySafety}
 */
public record CommandSpec(String name, int arity, Set<String> flags, int firstKey, int lastKey, int step,
                          List<KeySpec> keySpecs, Set<String> tips, ShardPolicy policy, String firstSeen,
                          String lastSeen, ReplaySafety replaySafety) {

    public CommandSpec {
        flags = Set.copyOf(flags);
        keySpecs = List.copyOf(keySpecs);
        tips = Set.copyOf(tips);
    }

    /** Flag {@code write}: the command may modify the data set. */
    public boolean write() {
        return flags.contains("write");
    }

    /** Flag {@code readonly}. */
    public boolean readonly() {
        return flags.contains("readonly");
    }

    /** Flag {@code movablekeys}: the legacy first/last/step do not find all keys. */
    public boolean movableKeys() {
        return flags.contains("movablekeys");
    }

    /** Whether a call with {@code argc} arguments (the name included) passes Redis' arity check. */
    public boolean arityMatches(int argc) {
        if (arity > 0) {
            return argc == arity;
        }
        return argc >= -arity;
    }

    /**
     * The keys of one call, in key-spec order, evaluated like Redis' {@code getKeysUsingKeySpecs};
     * without key specs, the legacy first/last/step.
     *
     * @throws UndeterminedKeysException wrong arity, an incomplete spec, movable keys without specs,
     *                                   or arguments that do not hold the keys the spec announces
     */
    public List<KeyRef> keys(List<byte[]> argv) throws UndeterminedKeysException {
        int argc = argv.size();
        if (!arityMatches(argc)) {
            throw new UndeterminedKeysException(name, "wrong number of arguments: " + argc + " for arity " + arity);
        }
        List<KeyRef> keys = new ArrayList<>();
        if (keySpecs.isEmpty()) {
            if (movableKeys()) {
                throw new UndeterminedKeysException(name, "movablekeys without key specs");
            }
            if (firstKey > 0) {
                int last = lastKey < 0 ? argc + lastKey : lastKey;
                addRange(keys, argv, firstKey, last, step, write());
            }
            return keys;
        }
        for (int s = 0; s < keySpecs.size(); s++) { // indexed: no iterator per command (C1 keeps them on the heap)
            KeySpec spec = keySpecs.get(s);
            if (spec.incomplete()) {
                throw new UndeterminedKeysException(name, "key spec " + spec + " is incomplete");
            }
            Integer begin = begin(spec.beginSearch(), argv);
            if (begin == null) {
                continue; // keyword absent: this spec finds no key (STORE not given)
            }
            int first = begin;
            int last;
            int keyStep;
            if (spec.findKeys() instanceof KeySpec.Range r) {
                if (r.lastKey() >= 0) {
                    last = first + r.lastKey();
                } else if (r.limit() == 0) {
                    last = argc + r.lastKey();
                } else {
                    // e.g. XREAD STREAMS k1 k2 id1 id2: limit 2 keeps the first half of what follows
                    last = first + ((argc - first) / r.limit() + r.lastKey());
                }
                keyStep = r.keyStep();
            } else {
                KeySpec.Keynum k = (KeySpec.Keynum) spec.findKeys();
                int countAt = first + k.keynumIdx();
                if (countAt >= argc) {
                    throw new UndeterminedKeysException(name, "no key count at argument " + countAt);
                }
                long count = parseCount(argv.get(countAt));
                keyStep = k.keyStep();
                first += k.firstKey();
                if (count == 0) {
                    continue; // EVAL with 0 keys
                }
                // as Redis: the count covers argument positions (keystep is 1 in every core spec)
                long lastLong = first + count - 1;
                if (lastLong >= argc) {
                    throw new UndeterminedKeysException(name, "key count " + count + " exceeds the " + argc + " arguments");
                }
                last = (int) lastLong;
            }
            addRange(keys, argv, first, last, keyStep, spec.writes() || (!spec.flags().contains("RO") && write()));
        }
        return keys;
    }

    private void addRange(List<KeyRef> keys, List<byte[]> argv, int first, int last, int keyStep, boolean written)
            throws UndeterminedKeysException {
        if (keyStep <= 0) {
            throw new UndeterminedKeysException(name, "key step " + keyStep);
        }
        for (int i = first; i <= last; i += keyStep) {
            if (i >= argv.size() || i < 1) {
                // Redis returns no keys here and lets the command fail with a syntax error; a replayer
                // must not route such a call at all
                throw new UndeterminedKeysException(name, "key index " + i + " outside the " + argv.size() + " arguments");
            }
            keys.add(new KeyRef(i, written));
        }
    }

    /**
     * The keys of every call that passes the arity check, when they do not depend on the arguments: each
     * key spec begins at an index and covers a fixed range below the minimum arity (SET, INCR, HSET,
     * RPUSH...: key 1), or the legacy first/last/step do so without movable keys. The replayer asks once
     * per command and reuses the list instead of evaluating the specs for each call; null when the keys
     * depend on the arguments (a keyword, a key count, a range to the end) or cannot be determined.
     */
    public List<KeyRef> fixedKeys() {
        if (keySpecs.isEmpty()) {
            if (movableKeys() || firstKey <= 0 || lastKey < 0) {
                return null;
            }
        }
        for (KeySpec spec : keySpecs) {
            if (!(spec.beginSearch() instanceof KeySpec.Index) || !(spec.findKeys() instanceof KeySpec.Range r) || r.lastKey() < 0) {
                return null;
            }
        }
        // fixed positions: what they give for the shortest call they give for every call
        List<byte[]> shortest = Collections.nCopies(arity > 0 ? arity : -arity, new byte[0]);
        try {
            return List.copyOf(keys(shortest));
        } catch (UndeterminedKeysException e) {
            return null; // a key beyond the shortest call, an incomplete spec: evaluated per call
        }
    }

    /** The begin index of a spec, or null when its keyword is absent. */
    private static Integer begin(KeySpec.BeginSearch bs, List<byte[]> argv) {
        if (bs instanceof KeySpec.Index ix) {
            return ix.index();
        }
        KeySpec.Keyword kw = (KeySpec.Keyword) bs;
        int argc = argv.size();
        byte[] word = kw.keyword().getBytes(StandardCharsets.US_ASCII);
        if (kw.startFrom() > 0) {
            // forwards; the last argument cannot be the keyword since a key must follow it
            for (int i = kw.startFrom(); i < argc - 1; i++) {
                if (equalsIgnoreAsciiCase(argv.get(i), word)) {
                    return i + 1;
                }
            }
        } else {
            // backwards from argc + startFrom down to argument 2 (argument 1 cannot be the keyword)
            for (int i = argc + kw.startFrom(); i > 1; i--) {
                if (i < argc && equalsIgnoreAsciiCase(argv.get(i), word)) {
                    return i + 1;
                }
            }
        }
        return null;
    }

    private long parseCount(byte[] arg) throws UndeterminedKeysException {
        String s = new String(arg, StandardCharsets.US_ASCII);
        try {
            long n = Long.parseLong(s);
            if (n < 0) {
                throw new UndeterminedKeysException(name, "negative key count " + s);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UndeterminedKeysException(name, "key count is not an integer: " + s);
        }
    }

    private static boolean equalsIgnoreAsciiCase(byte[] a, byte[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (lower(a[i]) != lower(b[i])) {
                return false;
            }
        }
        return true;
    }

    private static int lower(byte c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
