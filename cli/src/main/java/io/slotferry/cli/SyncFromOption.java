package io.slotferry.cli;

import io.slotferry.source.SyncFrom;
import picocli.CommandLine.Option;

/**
 * {@code --sync-from} (a picocli mixin) for the commands that discover Twemproxy and Codis shards
 * ({@code run}, {@code plan}, {@code verify}); commands that take one redis:// instance do not offer it.
 */
public final class SyncFromOption {
    @Option(names = "--sync-from", paramLabel = "WHICH", defaultValue = "replica",
            description = {"For twemproxy: and codis: shards: replicate from a healthy replica when one exists (replica,",
                "the default: spares the master the snapshot's fork) or always from the master (master).",
                "Example: --sync-from master"})
    String value;

    /** The choice; an unknown word is an IllegalArgumentException naming the option. */
    SyncFrom parse() {
        return SyncFrom.parse(value);
    }
}
