package io.slotferry.replay;

import io.slotferry.command.CommandSpec;
import io.slotferry.command.CommandTable;
import io.slotferry.command.KeyRef;
import io.slotferry.command.UndeterminedKeysException;
import io.slotferry.resp.Ascii;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command table as the replayer asks it, on every command's path: entries remembered by command
 * name for commands without subcommands, found by the name's bytes as the stream spells them (no String
 * and no upper-casing per command), with their keys when these do not depend on the arguments. Used by
 * the worker's thread only.
 */
final class KnownCommands {
    private final CommandTable table;
    private final Map<String, Entry> byUpperName = new HashMap<>();
    private final CommandNames<Entry> byName = new CommandNames<>();

    /**
     * A table entry and, for a command remembered by name whose keys sit at fixed positions
     * ({@link CommandSpec#fixedKeys}), those keys: the same list for every call. {@code byName}: the
     * command's name alone decides the entry (no subcommand), so every call of that name, whatever its
     * arguments, has this entry.
     */
    record Entry(CommandSpec spec, List<KeyRef> fixedKeys, boolean byName) {
        /** The keys of {@code argv}, a call of this entry whose arity was checked. */
        List<KeyRef> keys(List<byte[]> argv) throws UndeterminedKeysException {
            return fixedKeys != null ? fixedKeys : spec.keys(argv);
        }
    }

    KnownCommands(CommandTable table) {
        this.table = table;
    }

    /** The table entry of {@code argv}; a command the table does not know stops the worker. */
    Entry spec(List<byte[]> argv, long offset) throws ReplayException {
        Entry e = entry(argv);
        if (e == null) {
            throw new ReplayException(Ascii.upper(argv.get(0)), offset, "not in the command table (" + table.size()
                    + " commands of Redis 2.8-8.0, Valkey 8 and codis-server): the worker stops rather than drop it");
        }
        return e;
    }

    /** The table entry of {@code argv}, or null when the table does not know it (the replay-safety check of every write). */
    CommandSpec known(List<byte[]> argv) {
        Entry e = entry(argv);
        return e == null ? null : e.spec();
    }

    private Entry entry(List<byte[]> argv) {
        Entry e = byName.get(argv.get(0));
        if (e == null) {
            String upperName = Ascii.upper(argv.get(0));
            e = entry(upperName, argv);
            if (e != null && byUpperName.get(upperName) == e) {
                byName.put(argv.get(0), e); // remembered by name: no subcommand decides it
            }
        }
        return e;
    }

    private Entry entry(String upperName, List<byte[]> argv) {
        Entry e = byUpperName.get(upperName);
        if (e != null) {
            return e;
        }
        Optional<CommandSpec> found = table.lookup(argv);
        if (found.isEmpty()) {
            return null;
        }
        CommandSpec spec = found.get();
        if (spec.name().indexOf('|') < 0 && argv.size() > 1) {
            e = new Entry(spec, spec.fixedKeys(), true);
            byUpperName.put(upperName, e); // a container would have resolved a subcommand
            return e;
        }
        return new Entry(spec, null, false);
    }
}
