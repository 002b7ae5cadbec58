package io.slotferry.metrics;

import java.util.Map;

/**
 * One worker at one moment, as the status file, {@code /status} and the progress lines show it.
 *
 * @param source           the instance's name
 * @param phase            STARTING, SNAPSHOT, STREAMING, DONE, STOPPED or FAILED
 * @param rdbBytesDone     snapshot bytes parsed and sent
 * @param rdbBytesTotal    snapshot size, -1 before it is known
 * @param rdbPercent       share of the snapshot done, 0-100 (-1 before its size is known)
 * @param keysLoaded       snapshot keys the target acknowledged
 * @param keysPerSecond    snapshot keys acknowledged per second over the last interval
 * @param etaSeconds       snapshot time left at the current byte rate, -1 when unknown
 * @param appliedOffset    replication offset up to which the target holds every command (-1 before streaming)
 * @param receivedOffset   replication offset received from the source (-1 before streaming)
 * @param masterReplOffset the source's {@code master_repl_offset}, polled on a separate connection (-1 when unknown)
 * @param lagBytes         source offset minus applied offset (0 when caught up)
 * @param lagSeconds       age of the oldest command received but not acknowledged by the target (0 when idle)
 * @param caughtUp         streaming, lag under a second, and everything the source had a second ago applied
 * @param fullSyncs        snapshots loaded in this process
 * @param partialResyncs   partial resyncs accepted in this process (a restart that did not need a snapshot)
 * @param failedKeys       keys the target refused (with {@code --on-data-error skip})
 * @param error            why the worker failed, or why its link to the source is down while it retries; null otherwise
 * @param stream           stream counters (commands applied, split, dropped PUBLISH, ...), and with key filters what
 *                         each left out: {@code filter:snapshot:include}, {@code filter:stream:types}, ... (keys) and
 *                         {@code filter:recopied} (keys copied again from the source; see {@link io.slotferry.filter.KeyFilter#counts()})
 */
public record WorkerStatus(String source, String phase, long rdbBytesDone, long rdbBytesTotal, double rdbPercent, long keysLoaded,
        double keysPerSecond, long etaSeconds, long appliedOffset, long receivedOffset, long masterReplOffset,
        long lagBytes, double lagSeconds, boolean caughtUp, int fullSyncs, int partialResyncs, long failedKeys,
        String error, Map<String, Long> stream) {
    public WorkerStatus {
        stream = Map.copyOf(stream);
    }
}
