package io.slotferry.replication;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of a snapshot's RDB file, which may still be arriving from the master: a consumer reads
 * them as the transfer goes on instead of after it, and can read again, at an offset it has already
 * passed, from the file itself ({@link ReplicationEvent.SnapshotFile#file()}).
 */
public interface SnapshotBytes {

    /**
     * The RDB from its first byte. Its reads wait for bytes the master has not sent yet and it ends
     * where the transfer ends. When a newer full sync replaces this one before it is complete (the
     * link broke mid-transfer and the master sent another snapshot), a read throws
     * {@link SnapshotSupersededException}; when the link failed for good, the receiver's failure.
     */
    InputStream open() throws IOException;

    /** The whole RDB's length, or -1 while it is still arriving. */
    long length();

    /** A file that is already complete. */
    static SnapshotBytes complete(Path file) {
        return new SnapshotBytes() {
            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }

            @Override
            public long length() {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return -1;
                }
            }
        };
    }
}
