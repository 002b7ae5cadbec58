package io.slotferry.write;

import java.time.Duration;

/**
 * How a {@link ClusterWriter} behaves.
 *
 * @param maxInFlightBytes  encoded bytes of writes submitted but not yet settled (queued, sent,
 *                          or awaiting the replicas' confirmation); submit blocks beyond it
 * @param onDataError       what a refused write does
 * @param connectTimeout    TCP/TLS connect and AUTH
 * @param replyTimeout      longest wait for a reply while writes are outstanding before the
 *                          connection is considered lost
 * @param giveUpAfter       how long a fault (node down, cluster down, no primary for a slot) is
 *                          retried before the writer stops
 * @param waitTimeout       {@code WAIT 1 <ms>} timeout used to confirm writes reached a replica
 * @param maxOpsPerSecond   rate limit on writes, 0 = none
 * @param maxBytesPerSecond rate limit on bytes sent on the wire (the RESP of each write; ASKING, probes and resends
 *                          after a lost connection not counted), 0 = none
 */
public record WriterOptions(long maxInFlightBytes, DataErrorPolicy onDataError, Duration connectTimeout,
                            Duration replyTimeout, Duration giveUpAfter, Duration waitTimeout,
                            long maxOpsPerSecond, long maxBytesPerSecond) {

    public WriterOptions {
        if (maxInFlightBytes < 1 << 16) {
            throw new IllegalArgumentException("maxInFlightBytes must be at least 64 KiB");
        }
        if (maxOpsPerSecond < 0 || maxBytesPerSecond < 0) {
            throw new IllegalArgumentException("rate limits must be >= 0");
        }
    }

    /** 16 MiB in flight, stop on data errors, 10 s connect, 30 s replies, retry faults for 5 minutes. */
    public static WriterOptions defaults() {
        return new WriterOptions(16L << 20, DataErrorPolicy.STOP, Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofMinutes(5), Duration.ofSeconds(2), 0, 0);
    }

    public WriterOptions withDataErrors(DataErrorPolicy policy) {
        return new WriterOptions(maxInFlightBytes, policy, connectTimeout, replyTimeout, giveUpAfter, waitTimeout,
                maxOpsPerSecond, maxBytesPerSecond);
    }

    public WriterOptions withRateLimit(long opsPerSecond, long bytesPerSecond) {
        return new WriterOptions(maxInFlightBytes, onDataError, connectTimeout, replyTimeout, giveUpAfter, waitTimeout,
                opsPerSecond, bytesPerSecond);
    }

    public WriterOptions withMaxInFlightBytes(long bytes) {
        return new WriterOptions(bytes, onDataError, connectTimeout, replyTimeout, giveUpAfter, waitTimeout,
                maxOpsPerSecond, maxBytesPerSecond);
    }
}
