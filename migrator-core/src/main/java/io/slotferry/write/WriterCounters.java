package io.slotferry.write;

import java.util.concurrent.atomic.AtomicLong;

/** The live counters of a {@link ClusterWriter} and its shard writers; {@link #snapshot} reads them as {@link WriterStats}. */
final class WriterCounters {
    final AtomicLong acknowledged = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong superseded = new AtomicLong();
    final AtomicLong moved = new AtomicLong();
    final AtomicLong asked = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    final AtomicLong probed = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    final AtomicLong refreshes = new AtomicLong();
    final AtomicLong waitTimeouts = new AtomicLong();

    WriterStats snapshot(long inFlightBytes) {
        return new WriterStats(acknowledged.get(), refused.get(), moved.get(), asked.get(), retried.get(), probed.get(),
                reconnects.get(), refreshes.get(), waitTimeouts.get(), inFlightBytes, superseded.get());
    }
}
