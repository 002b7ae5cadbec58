package io.slotferry.cli;

import io.slotferry.replication.scan.ScanFollow;
import io.slotferry.source.Fleet;
import io.slotferry.source.SyncFrom;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The sources of a migration (a picocli mixin of {@code run}, {@code plan} and {@code verify}): the
 * {@code --source} values, how to reach their instances ({@link SourceOptions}) and which server of a
 * Twemproxy or Codis shard to read ({@code --sync-from}).
 */
public final class FleetOptions {
    @Option(names = "--source", required = true, paramLabel = "SRC",
            description = {"A source, repeatable:",
                "  redis://[user@]host:port, rediss://... one instance",
                "  twemproxy:PATH/nutcracker.yml[#POOL]    every backend of every pool (or of POOL)",
                "  codis:http://DASHBOARD:PORT             the master (or a healthy replica) of each group",
                "  scan:redis://[user@]host:port, scan:rediss://...  one instance copied by SCAN + DUMP/PTTL, for a",
                "                                          user without SYNC/PSYNC: a walk, not exact under concurrent",
                "                                          writes; changes followed after it only when the source's",
                "                                          notify-keyspace-events announces them (--scan-notifications;",
                "                                          docs/replication.md)",
                "  rdb:PATH                                an RDB file, plain or .gz/.bz2/.xz (run, plan)",
                "  rdb:-                                   an RDB file on standard input (run, plan)",
                "Examples: --source twemproxy:/etc/nutcracker.yml   --source codis:http://10.0.0.9:18080"})
    List<String> sources;

    @Mixin
    SourceOptions sourceOptions;

    @Option(names = "--sync-from", paramLabel = "WHICH", defaultValue = "replica",
            description = {"For twemproxy: and codis: shards: replicate from a healthy replica when one exists (replica,",
                "the default: spares the master the snapshot's fork) or always from the master (master).",
                "Example: --sync-from master"})
    SyncFrom syncFrom;

    @Option(names = "--scan-notifications", paramLabel = "WHEN", defaultValue = "auto",
            description = {"For scan: sources, whether changes after the walk are followed by",
                "keyspace notifications: auto (the default: when CONFIG GET shows that",
                "notify-keyspace-events has the classes AE needs), trust (also when CONFIG",
                "GET is refused, e.g. a managed service that sets notify-keyspace-events in",
                "its own parameters: you vouch they are on, or changes go unseen), off (one",
                "walk). Example: --scan-notifications trust"})
    ScanFollow scanFollow;

    /** Every instance the {@code --source} values name (Twemproxy backends, Codis groups, URIs, files). */
    Fleet discover(Duration timeout) throws IOException {
        return sourceOptions.discover(sources, timeout, syncFrom, scanFollow);
    }
}
