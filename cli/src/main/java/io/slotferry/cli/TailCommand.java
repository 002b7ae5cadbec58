package io.slotferry.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.replication.Replica;
import io.slotferry.replication.ReplicaOptions;
import io.slotferry.replication.ReplicationEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code migrate tail}: follow a source's replication stream, as slotferry's replica sees it. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {
            "Follow a source's replication stream and print its commands.",
            "",
            "Become a replica of SOURCE (full sync, then the live stream) and print every replicated",
            "command with its database and offsets, or with --stats one JSON line per second: commands and",
            "bytes received per second, received and delivered offsets. Nothing is written anywhere; the",
            "snapshot is parsed and counted, not printed.",
            "",
            "Examples:",
            "  migrate tail redis://10.0.3.7:6379",
            "  migrate tail redis://127.0.0.1:6379 --stats --duration 30s"})
public final class TailCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SOURCE", description = "redis://[user@]host:port or rediss://[user@]host:port")
    String source;

    @Option(names = "--stats", description = "Print one JSON line of rates per second instead of the commands.")
    boolean stats;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (30s, 5m, or ISO-8601 like PT30S). Default: until interrupted.")
    Duration duration;

    @Option(names = "--spool-dir", paramLabel = "DIR", description = "Where the replica spools the RDB and the stream. Default: a temporary directory.")
    Path spoolDir;

    @Mixin
    SourceOptions sourceOptions;

    @Override
    public Integer call() throws Exception {
        Path dir = spoolDir != null ? spoolDir : Files.createTempDirectory("slotferry-tail");
        long deadline = duration == null ? Long.MAX_VALUE : System.currentTimeMillis() + duration.toMillis();
        PrintStream out = System.out;
        ObjectMapper json = new ObjectMapper();
        try (Replica replica = Replica.start(sourceOptions.endpoint(source), ReplicaOptions.defaults(dir))) {
            long second = System.currentTimeMillis();
            long commands = 0;
            long bytes = 0;
            long snapshotKeys = 0;
            while (System.currentTimeMillis() < deadline) {
                ReplicationEvent e = replica.poll(200);
                if (e == null) {
                    // idle: fall through to the once-a-second stats line
                } else if (e instanceof ReplicationEvent.Command c) {
                    commands++;
                    bytes += c.endOffset() - c.startOffset();
                    if (!stats) {
                        out.println("db " + c.db() + " @" + c.startOffset() + " " + render(c));
                    }
                } else if (e instanceof ReplicationEvent.SnapshotData) {
                    snapshotKeys++;
                } else if (!stats) {
                    out.println("# " + e);
                }
                long now = System.currentTimeMillis();
                if (stats && now - second >= 1000) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("t_ms", now);
                    line.put("commands_per_s", Math.round(commands * 1000.0 / (now - second)));
                    line.put("stream_mb_per_s", Math.round(bytes / 1e3 / (now - second) * 100) / 100.0);
                    line.put("received_offset", replica.receivedOffset());
                    line.put("delivered_offset", replica.deliveredOffset());
                    line.put("snapshot_events", snapshotKeys);
                    out.println(json.writeValueAsString(line));
                    second = now;
                    commands = 0;
                    bytes = 0;
                }
            }
        }
        return 0;
    }

    /** Arguments shown safely: printable ASCII as is, other bytes as \xNN, long ones cut. */
    private static String render(ReplicationEvent.Command c) {
        StringBuilder s = new StringBuilder();
        for (byte[] a : c.argv()) {
            s.append(' ');
            String text = new String(a, 0, Math.min(a.length, 64), StandardCharsets.ISO_8859_1);
            for (char ch : text.toCharArray()) {
                s.append(ch >= 32 && ch < 127 ? String.valueOf(ch) : String.format("\\x%02x", (int) ch));
            }
            if (a.length > 64) {
                s.append("...(").append(a.length).append(" bytes)");
            }
        }
        return s.substring(1);
    }
}
