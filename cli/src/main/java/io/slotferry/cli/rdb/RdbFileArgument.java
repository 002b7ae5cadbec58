package io.slotferry.cli.rdb;

import io.slotferry.cli.SourceOptions;
import io.slotferry.replication.SnapshotDownload;
import io.slotferry.replication.file.RdbFiles;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The FILE argument every {@code migrate rdb} command takes (a picocli mixin): a path, "-", or a
 * live source ({@code redis://}, {@code rediss://}) whose snapshot is taken over the replication
 * protocol into a temporary file that is deleted afterwards.
 */
public final class RdbFileArgument {
    @Parameters(index = "0", paramLabel = "FILE",
            description = "RDB file, '-' for standard input (.gz/.bz2/.xz detected by content), or a live source "
                    + "redis://[user@]host:port / rediss://... (snapshot taken over replication)")
    String file;

    @Mixin
    SourceOptions sourceOptions;

    /** The file's bytes, decompressed when needed; for a live source, its freshly taken snapshot. */
    InputStream open() throws IOException {
        if (!SourceOptions.isLiveSource(file)) {
            return RdbFiles.open(file);
        }
        Path tmp = Files.createTempFile("slotferry-snapshot", ".rdb");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                SnapshotDownload.fetch(sourceOptions.endpoint(file), out, Duration.ofSeconds(60));
            }
            return new FilterInputStream(Files.newInputStream(tmp)) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    String name() {
        return file;
    }
}
