package io.slotferry.command;

import java.util.Set;

/**
 * A Redis 7.0+ key specification: where the search for keys begins, how keys are found from there,
 * and what the command does with them (RW/RO/OW/RM, access/update/insert/delete, incomplete…).
 *
 * @param flags       key-spec flags as Redis names them
 * @param beginSearch where to start
 * @param findKeys    which arguments from the start are keys
 */
public record KeySpec(Set<String> flags, BeginSearch beginSearch, FindKeys findKeys) {

    public KeySpec {
        flags = Set.copyOf(flags);
    }

    /** {@code begin_search}. */
    public sealed interface BeginSearch permits Index, Keyword, UnknownBegin {
    }

    /** {@code begin_search index}: the search starts at argv[{@code index}]. */
    public record Index(int index) implements BeginSearch {
    }

    /**
     * {@code begin_search keyword}: the search starts after the first argument equal (ignoring case)
     * to {@code keyword}, looked for from {@code startFrom} forwards, or, when negative, from
     * {@code argc + startFrom} backwards.
     */
    public record Keyword(String keyword, int startFrom) implements BeginSearch {
    }

    /** {@code begin_search unknown}: Redis itself cannot tell (SORT's STORE and BY/GET). */
    public record UnknownBegin() implements BeginSearch {
    }

    /** {@code find_keys}. */
    public sealed interface FindKeys permits Range, Keynum, UnknownFind {
    }

    /**
     * {@code find_keys range}: keys from the begin index to {@code lastKey} (relative to the begin
     * index when ≥ 0, to the end when negative), every {@code keyStep}; with a negative lastKey and
     * {@code limit > 1}, only {@code 1/limit} of the remaining arguments (XREAD's STREAMS).
     */
    public record Range(int lastKey, int keyStep, int limit) implements FindKeys {
    }

    /**
     * {@code find_keys keynum}: the count is argv[begin + {@code keynumIdx}], the first key is at
     * begin + {@code firstKey}, then every {@code keyStep} up to first + count - 1, as Redis reads it
     * (every core spec has keyStep 1) (EVAL, ZUNIONSTORE, LMPOP…).
     */
    public record Keynum(int keynumIdx, int firstKey, int keyStep) implements FindKeys {
    }

    /** {@code find_keys unknown}. */
    public record UnknownFind() implements FindKeys {
    }

    /** Whether Redis says this spec may miss keys (flag {@code incomplete}, or an unknown part). */
    public boolean incomplete() {
        return flags.contains("incomplete") || beginSearch instanceof UnknownBegin || findKeys instanceof UnknownFind;
    }

    /** Whether the command may modify or delete the keys this spec finds (RW, OW or RM). */
    public boolean writes() {
        return flags.contains("RW") || flags.contains("OW") || flags.contains("RM");
    }
}
