package io.slotferry.replay;

import io.slotferry.command.CommandSpec;
import io.slotferry.command.CommandTable;
import io.slotferry.resp.Ascii;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command table as the replayer asks it, on every command's path: entries remembered by command
 * name for commands without subcommands. Used by the worker's thread only.
 */
final class KnownCommands {
    private final CommandTable table;
    private final Map<String, CommandSpec> specs = new HashMap<>();
    private final SpecsByName byName = new SpecsByName();

    KnownCommands(CommandTable table) {
        this.table = table;
    }

    /** The table entry of {@code argv}; a command the table does not know stops the worker. */
    CommandSpec spec(String upperName, List<byte[]> argv, long offset) throws ReplayException {
        CommandSpec spec = known(upperName, argv);
        if (spec == null) {
            throw new ReplayException(upperName, offset, "not in the command table (" + table.size()
                    + " commands of Redis 2.8-8.0, Valkey 8 and codis-server): the worker stops rather than drop it");
        }
        return spec;
    }

    /**
     * The table entry of {@code argv} found by its name's bytes as the stream spells them (no String and
     * no upper-casing per call: the replay-safety check of every write), or null when the table does
     * not know it.
     */
    CommandSpec known(List<byte[]> argv) {
        CommandSpec spec = byName.get(argv.get(0));
        if (spec == null) {
            String upperName = Ascii.upper(argv.get(0));
            spec = known(upperName, argv);
            if (spec != null && specs.get(upperName) == spec) {
                byName.put(argv.get(0), spec); // remembered by name: no subcommand decides it
            }
        }
        return spec;
    }

    /** The table entry of {@code argv}, or null when the table does not know it. */
    CommandSpec known(String upperName, List<byte[]> argv) {
        CommandSpec spec = specs.get(upperName);
        if (spec != null) {
            return spec;
        }
        Optional<CommandSpec> found = table.lookup(argv);
        if (found.isEmpty()) {
            return null;
        }
        if (found.get().name().indexOf('|') < 0 && argv.size() > 1) {
            specs.put(upperName, found.get()); // a container would have resolved a subcommand
        }
        return found.get();
    }
}
