package io.slotferry.cli.rdb;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbOptions;
import io.slotferry.rdb.RdbReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

/** {@code migrate rdb scan}: parse a whole file and report throughput (used by bench/rdb-parse.sh). */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {
            "Parse a whole RDB file and print the parser's throughput.",
            "",
            "Parse a whole RDB file without writing anything and print one JSON line with the parser's",
            "throughput: bytes, keys, seconds, mb_per_s (MB = 10^6 bytes), peak_heap_mb, checksum.",
            "'raw' walks each value and keeps its exact bytes (the RESTORE path); 'decoded' builds every",
            "element (the rewrite path). Also a quick integrity check of a file.",
            "",
            "Examples:",
            "  migrate rdb scan dump.rdb",
            "  JAVA_OPTS=-Xmx256m migrate rdb scan big.rdb --mode decoded"})
public final class ScanCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RdbFileArgument input;

    @Option(names = "--mode", defaultValue = "raw", paramLabel = "MODE",
            description = "raw or decoded. Default: ${DEFAULT-VALUE}")
    String mode;

    @Option(names = "--no-checksum", description = "Do not compute the CRC-64 (measures the parser alone).")
    boolean noChecksum;

    @Option(names = "--no-blob-validation",
            description = "Raw mode: do not walk ziplist/listpack/intset/zipmap blobs (measures the framing alone).")
    boolean noBlobValidation;

    @Override
    public Integer call() throws Exception {
        RdbOptions options = switch (mode) {
            case "raw" -> RdbOptions.raw();
            case "decoded" -> RdbOptions.decoded();
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--mode': '" + mode
                    + "' (use raw or decoded)");
        };
        options = options.withVerifyChecksum(!noChecksum).withValidateBlobs(!noBlobValidation);
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        long keys = 0;
        long elements = 0;
        String checksum = "?";
        long start = System.nanoTime();
        Counting counting;
        try (InputStream in = input.open(); Counting c = new Counting(in); RdbReader reader = RdbReader.open(c, options)) {
            counting = c;
            RdbEvent e;
            while ((e = reader.next()) != null) {
                if (e instanceof RdbEvent.RawValue || e instanceof RdbEvent.KeyBegin) {
                    keys++;
                } else if (e instanceof RdbEvent.ListElements l) {
                    elements += l.elements().size();
                } else if (e instanceof RdbEvent.SetMembers s) {
                    elements += s.members().size();
                } else if (e instanceof RdbEvent.SortedSetEntries z) {
                    elements += z.entries().size();
                } else if (e instanceof RdbEvent.HashFields h) {
                    elements += h.fields().size();
                } else if (e instanceof RdbEvent.StreamEntries s) {
                    elements += s.entries().size();
                } else if (e instanceof RdbEvent.End end) {
                    checksum = end.checksum().name().toLowerCase(java.util.Locale.ROOT);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("file", input.name());
        result.put("mode", mode);
        result.put("bytes", counting.count);
        result.put("keys", keys);
        if (options.mode() == RdbOptions.Mode.DECODED) {
            result.put("elements", elements);
        }
        result.put("seconds", Math.round(seconds * 1000) / 1000.0);
        result.put("mb_per_s", Math.round(counting.count / 1e6 / seconds * 10) / 10.0);
        result.put("peak_heap_mb", Math.round(peak / 1048576.0 * 10) / 10.0);
        result.put("checksum", checksum);
        System.out.println(new ObjectMapper().writeValueAsString(result));
        return 0;
    }

    /** Counts the (decompressed) bytes the parser consumed. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
