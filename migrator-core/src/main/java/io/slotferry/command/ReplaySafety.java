package io.slotferry.command;

import io.slotferry.resp.CommandName;
import java.util.List;

/**
 * Whether a write may be applied again after a crash or a lost connection (overrides.tsv column
 * {@code replay_safe}). The definition (docs/replay.md, "Exactly once"): applying the stream again from
 * any earlier point of a slot, with every write at or below the slot's applied mark skipped, ends in
 * the same state. Unsafe writes carry a mark, so a restart never applies them twice.
 *
 * <p>Re-applying a safe write can meet a key whose type a later write (re-applied after it) changed:
 * the target answers {@code WRONGTYPE}, and the later write decides the key's end state anyway.
 */
public enum ReplaySafety {
    /** {@code yes}: sets, deletes or expires to given values; applied again it changes nothing the rest does not redo. */
    SAFE,
    /** {@code no}: adds, pops, moves, computes from current values, or fails the second time. */
    UNSAFE,
    /** {@code by-arguments}: safe or not by its options ({@code ZADD ... INCR} adds), decided by {@link #safe}. */
    BY_ARGUMENTS,
    /** Not a write, or a write the table has no classification for (treated as unsafe; a test forbids the latter). */
    UNCLASSIFIED;

    /** Parses the overrides.tsv value. */
    static ReplaySafety of(String value) {
        return switch (value) {
            case "yes" -> SAFE;
            case "no" -> UNSAFE;
            case "by-arguments" -> BY_ARGUMENTS;
            default -> throw new IllegalArgumentException("replay_safe must be yes, no or by-arguments, not " + value);
        };
    }

    /** True when {@code argv} (a call of the command this classifies) may be applied again. */
    public boolean safe(List<byte[]> argv) {
        return switch (this) {
            case SAFE -> true;
            case UNSAFE, UNCLASSIFIED -> false;
            case BY_ARGUMENTS -> safeByArguments(argv);
        };
    }

    /** The commands whose safety depends on their options; every {@code by-arguments} entry needs one (a test checks). */
    static final List<String> DECIDED_BY_ARGUMENTS = List.of("zadd");

    private static boolean safeByArguments(List<byte[]> argv) {
        // compared as bytes: no upper-cased String per word (ZADD is a common write of a stream)
        if (CommandName.is(argv.get(0), "ZADD")) {
            // ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member ...: INCR adds to the score
            for (int i = 2; i < argv.size(); i++) {
                byte[] word = argv.get(i);
                if (CommandName.is(word, "INCR")) {
                    return false;
                }
                if (!CommandName.is(word, "NX") && !CommandName.is(word, "XX") && !CommandName.is(word, "GT")
                        && !CommandName.is(word, "LT") && !CommandName.is(word, "CH")) {
                    return true;
                }
            }
            return true;
        }
        return false;
    }
}
