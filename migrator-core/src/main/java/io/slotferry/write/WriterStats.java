package io.slotferry.write;

/**
 * Counters of a {@link ClusterWriter} at one moment.
 *
 * @param acknowledged  writes the target applied (and its replicas confirmed, when it has any)
 * @param refused       writes refused with a data error
 * @param moved         {@code MOVED} redirects followed
 * @param asked         {@code ASK} redirects followed
 * @param retried       writes re-sent after a transient fault or a lost connection
 * @param probed        in-doubt writes checked with their probe before re-sending
 * @param reconnects    connections re-opened
 * @param topologyRefreshes slot tables read again
 * @param waitTimeouts  {@code WAIT} calls that ended before a replica confirmed
 * @param inFlightBytes bytes submitted and not yet settled
 * @param superseded    replay-safe writes applied again that met a key a later write had replaced ({@code WRONGTYPE}), settled
 */
public record WriterStats(long acknowledged, long refused, long moved, long asked, long retried, long probed,
                          long reconnects, long topologyRefreshes, long waitTimeouts, long inFlightBytes,
                          long superseded) {
}
