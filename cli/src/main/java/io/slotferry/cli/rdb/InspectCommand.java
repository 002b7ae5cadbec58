package io.slotferry.cli.rdb;

import io.slotferry.rdb.KeyHeader;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbOptions;
import io.slotferry.rdb.RdbReader;
import io.slotferry.rdb.RdbType;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

/** {@code migrate rdb inspect}: what is in an RDB file, without printing values. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {
            "Summarise an RDB file: version, keys, types, biggest keys, checksum.",
            "",
            "Summarise an RDB file: version, AUX fields, keys per database (and how many expire), keys per",
            "type and encoding, the biggest keys by serialized size, functions, modules, and whether the",
            "CRC-64 checksum is valid. Reads the file once, in constant memory.",
            "",
            "Examples:",
            "  migrate rdb inspect dump.rdb",
            "  migrate rdb inspect --top 25 /backups/cache-3.rdb.gz"})
public final class InspectCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RdbFileArgument input;

    @Option(names = "--top", defaultValue = "10", paramLabel = "N", description = "How many of the biggest keys to list. Default: ${DEFAULT-VALUE}")
    int top;

    private record Big(KeyHeader key, long bytes) {
    }

    @Override
    public Integer call() throws Exception {
        io.slotferry.cli.OptionRange.check(spec, "--top", top, 0, 1_000_000, "biggest keys listed");
        PrintStream out = System.out;
        Map<Integer, long[]> perDb = new TreeMap<>(); // db -> {keys, with expiry, already expired}
        Map<String, Long> perType = new TreeMap<>();
        PriorityQueue<Big> biggest = new PriorityQueue<>(Comparator.comparingLong(Big::bytes));
        List<String> aux = new ArrayList<>();
        long functions = 0;
        long moduleAux = 0;
        long slotInfos = 0;
        long now = System.currentTimeMillis();
        RdbEvent.End end = null;
        RdbEvent.Header header = null;
        try (InputStream in = input.open(); RdbReader reader = RdbReader.open(in, RdbOptions.raw().withMaxRawValueBytes(0))) {
            RdbEvent e;
            while ((e = reader.next()) != null) {
                if (e instanceof RdbEvent.RawValue v) {
                    KeyHeader k = v.key();
                    long[] c = perDb.computeIfAbsent(k.db(), d -> new long[3]);
                    c[0]++;
                    if (k.hasExpire()) {
                        c[1]++;
                        if (k.expireAtMs() < now) {
                            c[2]++;
                        }
                    }
                    RdbType t = k.type();
                    perType.merge(t.valueType().wireName() + " / " + t.encoding() + " (type " + t.code() + " " + t + ")", 1L, Long::sum);
                    biggest.add(new Big(k, v.valueLength()));
                    if (biggest.size() > top) {
                        biggest.poll();
                    }
                } else if (e instanceof RdbEvent.Header h) {
                    header = h;
                } else if (e instanceof RdbEvent.Aux a) {
                    aux.add(printable(a.name(), 64) + " = " + printable(a.value(), 96));
                } else if (e instanceof RdbEvent.FunctionLibrary) {
                    functions++;
                } else if (e instanceof RdbEvent.ModuleAux) {
                    moduleAux++;
                } else if (e instanceof RdbEvent.SlotInfo) {
                    slotInfos++;
                } else if (e instanceof RdbEvent.End x) {
                    end = x;
                }
            }
        }
        out.printf("file:      %s%n", input.name());
        out.printf("format:    %s version %d%n", header.magic(), header.version());
        out.printf("checksum:  %s%n", switch (end.checksum()) {
            case VALID -> "valid (CRC-64 matches)";
            case DISABLED -> "not written (rdbchecksum no: trailer is zero)";
            case ABSENT -> "none (RDB version < 5 has no checksum)";
            case UNVERIFIED -> "present, not verified";
        });
        if (end.trailingBytes() > 0) {
            out.printf("trailing:  %d byte(s) after the end of the RDB (ignored)%n", end.trailingBytes());
        }
        out.println("aux fields:");
        if (aux.isEmpty()) {
            out.println("  (none)");
        }
        aux.forEach(a -> out.println("  " + a));
        long total = 0;
        out.println("keys per database:");
        for (Map.Entry<Integer, long[]> d : perDb.entrySet()) {
            long[] c = d.getValue();
            total += c[0];
            out.printf("  db %-3d %10d keys, %d with expiry (%d already expired now)%n", d.getKey(), c[0], c[1], c[2]);
        }
        out.printf("  total  %10d keys%n", total);
        out.println("keys per type / encoding:");
        perType.forEach((t, n) -> out.printf("  %10d  %s%n", n, t));
        out.printf("functions: %d librar%s; module aux records: %d; slot info records: %d%n",
                functions, functions == 1 ? "y" : "ies", moduleAux, slotInfos);
        List<Big> big = new ArrayList<>(biggest);
        big.sort(Comparator.comparingLong(Big::bytes).reversed());
        out.println("biggest keys (serialized value bytes):");
        for (Big b : big) {
            out.printf("  %12d  db %d  %s  %s%n", b.bytes(), b.key().db(), b.key().type().valueType().wireName(),
                    printable(b.key().key(), 80));
        }
        return 0;
    }

    /** A key or AUX value made safe for a terminal: printable ASCII kept, other bytes as \xNN. */
    static String printable(byte[] b, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < b.length && s.length() < max; i++) {
            int c = b[i] & 0xff;
            if (c >= 32 && c < 127 && c != '\\') {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        if (s.length() >= max) {
            s.append("... (").append(b.length).append(" bytes)");
        }
        return s.length() == 0 ? "\"\"" : new String(s.toString().getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
    }
}
