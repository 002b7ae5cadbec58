package io.slotferry.cli.rdb;

import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

/** {@code migrate rdb dump}: every key as one JSON line. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {
            "Write every key of an RDB file to standard output as JSON lines.",
            "",
            "One JSON object per key and line:",
            "  {\"db\": 0, \"key\": \"k\", \"type\": \"hash\", \"value\": {...}, \"expire_ms\": 4102444800000}",
            "Bytes are JSON characters U+0000-U+00FF, one per byte (decode with ISO-8859-1); sets and hash",
            "fields are sorted by bytes, sorted sets by score then member; strings over 4096 bytes are",
            "{\"len\": N, \"sha256\": \"...\"}; hashes with field TTLs add \"field_expires_ms\".",
            "",
            "Examples:",
            "  migrate rdb dump dump.rdb | head",
            "  migrate rdb dump backup.rdb.xz | grep '\"type\": \"stream\"'",
            "  cat dump.rdb | migrate rdb dump -"})
public final class DumpCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RdbFileArgument input;

    @Mixin
    io.slotferry.cli.FilterOptions filters;

    @Option(names = "--format", defaultValue = "jsonl", paramLabel = "FORMAT",
            description = "Output format. Only 'jsonl' (one JSON object per line) exists today. Default: ${DEFAULT-VALUE}")
    String format;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("jsonl")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--format': '" + format
                    + "' (only jsonl is supported)");
        }
        try (InputStream in = input.open()) {
            OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
            JsonlDump.write(in, out, filters.filter(spec));
            out.flush();
        }
        return 0;
    }
}
