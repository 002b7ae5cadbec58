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

    /**
     * A plain RDB file with the content of {@code file}, for readers that seek (a big value is
     * decoded in a second pass at its offset): the file itself when it is a regular uncompressed
     * file, otherwise its decompressed bytes copied (streamed) to a new file in {@code spoolDir},
     * which the caller deletes when done ({@link SeekableRdb#close()}).
     */
    public static SeekableRdb seekable(String file, Path spoolDir) throws IOException {
        if (!file.equals("-")) {
            Path p = Path.of(file);
            if (!Files.exists(p)) {
                throw new NoSuchFileException(file, null, "no such RDB file");
            }
            if (Files.isRegularFile(p)) {
                try (BufferedInputStream probe = new BufferedInputStream(Files.newInputStream(p), 16)) {
                    if (compression(probe) == null) {
                        return new SeekableRdb(p, false);
                    }
                }
            }
        }
        Files.createDirectories(spoolDir);
        Path copy = Files.createTempFile(spoolDir, "snapshot-", ".rdb");
        try (InputStream in = open(file)) {
            Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        return new SeekableRdb(copy, true);
    }

    /** A plain RDB file on disk; {@code temporary} ones are deleted on close. */
    public record SeekableRdb(Path path, boolean temporary) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (temporary) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** The compression format of the stream's first bytes (gzip, bzip2, xz), or null; marks and resets. */
    private static String compression(BufferedInputStream in) throws IOException {
        String format;
        try {
            format = CompressorStreamFactory.detect(in);
        } catch (CompressorException notCompressed) {
            return null;
        }
        return format.equals(CompressorStreamFactory.GZIP) || format.equals(CompressorStreamFactory.BZIP2)
                || format.equals(CompressorStreamFactory.XZ) ? format : null;
    }

    /** Wraps {@code raw} in a decompressor when its first bytes are a gzip, bzip2 or xz signature. */
    public static InputStream decompressing(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        String format = compression(in);
        if (format == null) {
            return in; // RDB magic, or garbage the parser will name with an offset
        }
        try {
            return new BufferedInputStream(new Decompressed(new CompressorStreamFactory(true).createCompressorInputStream(format, in),
                    format), 1 << 16);
        } catch (CompressorException e) {
            Throwable why = e.getCause() != null ? e.getCause() : e;
            throw new IOException("the input starts like " + format + " data but cannot be decompressed ("
                    + (why.getMessage() == null || why instanceof java.io.EOFException
                    || why.getMessage().toLowerCase(java.util.Locale.ROOT).contains("end of stream")
                    ? "it ends early: a truncated file?" : "corrupt: " + why.getMessage()) + ")", e);
        }
    }

    /** Decompressed bytes whose read failures say what they mean (the codecs throw EOFException without a message). */
    private static final class Decompressed extends java.io.FilterInputStream {
        private final String format;

        Decompressed(InputStream in, String format) {
            super(in);
            this.format = format;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw explained(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw explained(e);
            }
        }

        private IOException explained(IOException e) {
            if (e instanceof java.io.EOFException) {
                return new java.io.EOFException("the " + format + " data ends early: the file is truncated or incomplete");
            }
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                return new IOException("the " + format + " data is corrupt (" + e.getClass().getSimpleName() + ")", e);
            }
            return e; // the codec's own words (xz: "Compressed data is corrupt"), or a read error of the file
        }
    }
}
