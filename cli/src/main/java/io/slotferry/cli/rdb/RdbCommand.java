package io.slotferry.cli.rdb;

import picocli.CommandLine.Command;

/** {@code migrate rdb}: the RDB file tools. */
@Command(name = "rdb", mixinStandardHelpOptions = true,
        subcommands = {InspectCommand.class, DumpCommand.class, ScanCommand.class, FetchCommand.class},
        description = {
            "Inspect, dump, scan or fetch RDB files of any Redis version.",
            "",
            "Read RDB files of any Redis version (RDB 1-12, Valkey 80), plain or compressed (.gz, .bz2, .xz,",
            "detected by content), from a path or '-' for standard input.",
            "",
            "Examples:",
            "  migrate rdb inspect dump.rdb",
            "  migrate rdb dump dump.rdb.gz > keys.jsonl",
            "  ssh cache-7 cat /var/lib/redis/dump.rdb | migrate rdb inspect -"})
public final class RdbCommand {
}
