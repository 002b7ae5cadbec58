package io.slotferry.replay;

import io.slotferry.command.CommandSpec;
import io.slotferry.command.KeyRef;
import io.slotferry.command.UndeterminedKeysException;
import io.slotferry.filter.CopyException;
import io.slotferry.filter.StreamFilter;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.resp.Ascii;
import java.io.IOException;
import java.util.List;

/**
 * The key filters' part of the replay ({@link StreamFilter}): a keyed write, a script call or a MOVE is
 * passed on, narrowed to its kept keys, dropped and counted, or replaced by whole-key copies of its kept
 * keys ({@link Step.Unmarked}); a copy inside MULTI holds the applied offset below the block's MULTI.
 */
final class FilteredCommands {
    private final StreamFilter filter;
    private final KnownCommands table;
    private final ReplayStats stats;

    FilteredCommands(StreamFilter filter, KnownCommands table, ReplayStats stats) {
        this.filter = filter;
        this.table = table;
        this.stats = stats;
    }

    StreamFilter filter() {
        return filter;
    }

    /** The filter's decision on a keyed write whose keys are known. */
    StreamFilter.Decision keyed(ReplicationEvent.Command c, CommandSpec spec, List<byte[]> argv, List<KeyRef> keys)
            throws IOException, ReplayException {
        return decided(c, () -> filter.decide(c, spec, argv, keys));
    }

    /**
     * The steps of a command the filter dropped or replaced; null when it goes on as it is.
     *
     * @param transaction the open MULTI block, null outside one
     */
    List<Step> steps(StreamFilter.Decision d, Transaction transaction) {
        if (d instanceof StreamFilter.Decision.Drop) {
            stats.skipped("filtered");
            return List.of();
        } else if (d instanceof StreamFilter.Decision.Copies copies) {
            if (transaction != null) {
                filter.holdFrom(transaction.start()); // a restart resumes before the MULTI, never inside it
            }
            stats.count("filtered-copy");
            return copies.writes().stream().<Step>map(Step.Unmarked::new).toList();
        }
        return null;
    }

    /** A script call's keys through the filter (a script may write any of its keys, of any type); null: run it. */
    List<Step> script(ReplicationEvent.Command c, Transaction transaction) throws IOException, ReplayException {
        CommandSpec spec = table.known(c.argv());
        if (spec == null) {
            return null; // ScriptCall names the problem
        }
        List<KeyRef> keys;
        try {
            keys = spec.keys(c.argv());
        } catch (UndeterminedKeysException e) {
            return null;
        }
        return keys.isEmpty() ? null : steps(decided(c, () -> filter.decide(c, spec, c.argv(), keys)), transaction);
    }

    /** MOVE key db: a kept key may move to a database the mapping or the filter leaves out; null: move it. */
    List<Step> move(ReplicationEvent.Command c, Transaction transaction) throws IOException, ReplayException {
        List<byte[]> argv = c.argv();
        if (argv.size() != 3 || !Ascii.upper(argv.get(2)).matches("[0-9]{1,5}")) {
            return null;
        }
        int to = Integer.parseInt(Ascii.upper(argv.get(2)));
        return steps(decided(c, () -> filter.move(c, argv.get(1), to)), transaction);
    }

    @FunctionalInterface
    private interface FilterCall {
        StreamFilter.Decision decide() throws IOException, CopyException;
    }

    /** The filter's decision for {@code c}; a key it could not copy again stops the worker. */
    private static StreamFilter.Decision decided(ReplicationEvent.Command c, FilterCall call) throws IOException, ReplayException {
        try {
            return call.decide();
        } catch (CopyException e) {
            throw new ReplayException(c.name(), c.startOffset(), e.getMessage(), e);
        }
    }
}
