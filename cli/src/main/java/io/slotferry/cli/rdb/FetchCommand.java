package io.slotferry.cli.rdb;

import io.slotferry.cli.SourceOptions;
import io.slotferry.replication.SnapshotDownload;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code migrate rdb fetch}: a snapshot of a live instance over the replication protocol, into a file. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = {
            "Save a running instance's snapshot to an RDB file, like redis-cli --rdb.",
            "",
            "Take a snapshot of a running instance as a replica would (PSYNC ? -1, or SYNC on Redis before",
            "2.8), write the RDB to FILE and disconnect, like redis-cli --rdb. Works with disk and diskless",
            "masters, TLS and AUTH; nothing is written on the source's disk beyond its own BGSAVE.",
            "",
            "Examples:",
            "  migrate rdb fetch redis://10.0.3.7:6379 cache-7.rdb",
            "  MIGRATE_SOURCE_PASSWORD=... migrate rdb fetch rediss://migrator@cache.example:6380 - | gzip > snap.rdb.gz"})
public final class FetchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SOURCE", description = "redis://[user@]host:port or rediss://[user@]host:port")
    String source;

    @Parameters(index = "1", paramLabel = "FILE", description = "Where to write the RDB; '-' for standard output")
    String file;

    @Option(names = "--timeout", defaultValue = "60s", paramLabel = "DURATION",
            description = "Longest silence accepted while the source prepares and sends the RDB (30s, 2m, or ISO-8601). Default: ${DEFAULT-VALUE}")
    Duration timeout;

    @Mixin
    SourceOptions sourceOptions;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        SnapshotDownload.Result r;
        try (OutputStream out = new BufferedOutputStream(file.equals("-") ? System.out : Files.newOutputStream(Path.of(file)), 1 << 16)) {
            r = SnapshotDownload.fetch(sourceOptions.endpoint(source), out, timeout);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.err.printf("fetched %d bytes (%s transfer) in %.3f s, %.1f MB/s; replication id %s offset %d%n",
                r.bytes(), r.diskless() ? "diskless" : "disk", seconds, r.bytes() / 1e6 / seconds, r.replid(), r.offset());
        return 0;
    }
}
