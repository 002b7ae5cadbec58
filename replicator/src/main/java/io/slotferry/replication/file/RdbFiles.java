package io.slotferry.replication.file;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * Opens an RDB input: a path or "-" (stdin), gzip/bzip2/xz detected from the first bytes. Shared by
 * the {@code migrate rdb} commands and {@link RdbFileSource}, so both accept the same inputs.
 */
public final class RdbFiles {
    private RdbFiles() {
    }

    /**
     * The file's bytes, decompressed when its content is gzip, bzip2 or xz.
     *
     * @throws NoSuchFileException when {@code file} (other than "-") does not exist
     */
    public static InputStream open(String file) throws IOException {
        InputStream raw;
        if (file.equals("-")) {
            raw = System.in;
        } else {
            Path p = Path.of(file);
            if (!Files.exists(p)) {
                throw new NoSuchFileException(file, null, "no such RDB file");
            }
            raw = Files.newInputStream(p);
        }
        return decompressing(raw);
    }

    /** Wraps {@code raw} in a decompressor when its first bytes are a gzip, bzip2 or xz signature. */
    public static InputStream decompressing(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        String format;
        try {
            format = CompressorStreamFactory.detect(in);
        } catch (CompressorException notCompressed) {
            return in; // RDB magic, or garbage the parser will name with an offset
        }
        if (!format.equals(CompressorStreamFactory.GZIP) && !format.equals(CompressorStreamFactory.BZIP2)
                && !format.equals(CompressorStreamFactory.XZ)) {
            return in;
        }
        try {
            return new BufferedInputStream(new CompressorStreamFactory(true).createCompressorInputStream(format, in), 1 << 16);
        } catch (CompressorException e) {
            throw new IOException("cannot decompress the " + format + " input: " + e.getMessage(), e);
        }
    }
}
