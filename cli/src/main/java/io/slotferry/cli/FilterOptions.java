package io.slotferry.cli;

import io.slotferry.filter.KeyFilter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Key filters (a picocli mixin of {@code migrate run}, {@code migrate plan}, {@code migrate verify} and {@code migrate rdb dump}):
 * which source keys are copied, compared or dumped. Databases are chosen by {@code --db-map}. docs/running.md
 * ("Filters") states how they apply to the snapshot, to each replicated command and to verify.
 */
public final class FilterOptions {
    @Option(names = "--include", paramLabel = "PATTERN",
            description = {"Only keys matching PATTERN (repeatable: any of them): a Redis glob as in",
                "KEYS/SCAN MATCH (* ? [a-z] [^x] \\ escapes), or re:REGEX, a Java regular expression",
                "matching the whole key read as ISO-8859-1 bytes (\\xNN names a byte). Matched against",
                "the source key name. Example: --include 'user:*'"})
    List<String> include = List.of();

    @Option(names = "--exclude", paramLabel = "PATTERN",
            description = {"Leave out keys matching PATTERN (repeatable; same syntax as --include; wins over",
                "it). Example: --exclude 'user:*:cache' --exclude 're:session:[0-9]+'"})
    List<String> exclude = List.of();

    @Option(names = "--types", paramLabel = "TYPE", split = ",",
            description = {"Only keys of these types, comma-separated: string, list, set, zset, hash,",
                "stream, module (TYPE's names: HyperLogLogs and bitmaps are strings, geo sets",
                "zsets). Example: --types hash,string"})
    List<String> types = List.of();

    /** The filter these options describe; an invalid pattern or type is a command-line error. */
    public KeyFilter filter(CommandLine.Model.CommandSpec spec) {
        try {
            return KeyFilter.of(include, exclude, types);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
