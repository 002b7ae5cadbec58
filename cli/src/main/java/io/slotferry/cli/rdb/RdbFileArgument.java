package io.slotferry.cli.rdb;

import java.io.IOException;
import java.io.InputStream;
import picocli.CommandLine.Parameters;

/** The FILE argument every {@code migrate rdb} command takes (a picocli mixin). */
public final class RdbFileArgument {
    @Parameters(index = "0", paramLabel = "FILE",
            description = "RDB file, '-' for standard input; .gz/.bz2/.xz detected by content")
    String file;

    /** The file's bytes, decompressed when needed. */
    InputStream open() throws IOException {
        return RdbFiles.open(file);
    }

    String name() {
        return file;
    }
}
