package io.slotferry.replication.scan;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link ScanSource} walks the source.
 *
 * @param databases        databases to walk, in this order; empty = every database {@code INFO keyspace}
 *                         lists when the walk starts
 * @param count            the {@code COUNT} hint of each {@code SCAN}, and so roughly how many
 *                         {@code DUMP}/{@code PTTL} pairs are pipelined per round trip
 * @param maxKeysPerSecond most keys fetched per second, averaged over batches; 0 = unlimited
 * @param connectTimeout   TCP (and TLS) connect timeout
 * @param readTimeout      longest wait for one reply; 0 = none
 */
public record ScanOptions(List<Integer> databases, int count, int maxKeysPerSecond, Duration connectTimeout,
                          Duration readTimeout) {

    public ScanOptions {
        databases = List.copyOf(databases);
        if (new HashSet<>(databases).size() != databases.size()) {
            throw new IllegalArgumentException("databases must not repeat, got " + databases);
        }
        for (int db : databases) {
            if (db < 0) {
                throw new IllegalArgumentException("a database number is >= 0, got " + db);
            }
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        if (maxKeysPerSecond < 0) {
            throw new IllegalArgumentException("maxKeysPerSecond must be >= 0 (0 = unlimited), got " + maxKeysPerSecond);
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (connectTimeout.isNegative() || readTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
    }

    /**
     * Every database with keys, {@code COUNT 100}, no rate limit, 10 s connect and 60 s read timeout.
     * 100 keeps a batch's replies (which the server buffers in full) moderate when values are large.
     */
    public static ScanOptions defaults() {
        return new ScanOptions(List.of(), 100, 0, Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    public ScanOptions withDatabases(List<Integer> dbs) {
        return new ScanOptions(dbs, count, maxKeysPerSecond, connectTimeout, readTimeout);
    }

    public ScanOptions withCount(int n) {
        return new ScanOptions(databases, n, maxKeysPerSecond, connectTimeout, readTimeout);
    }

    public ScanOptions withMaxKeysPerSecond(int keysPerSecond) {
        return new ScanOptions(databases, count, keysPerSecond, connectTimeout, readTimeout);
    }

    public ScanOptions withTimeouts(Duration connect, Duration read) {
        return new ScanOptions(databases, count, maxKeysPerSecond, connect, read);
    }
}
