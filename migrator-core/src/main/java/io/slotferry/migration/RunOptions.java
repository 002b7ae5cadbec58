package io.slotferry.migration;

import io.slotferry.lease.LeaseHolder;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link Migration} runs and reports.
 *
 * @param statusFile   where the status JSON is replaced every interval (null: none)
 * @param metricsPort  port of {@code /metrics}, {@code /status}, {@code /ready} and {@code /live} (-1: no server, 0: any free port)
 * @param snapshotOnly live workers stop once their snapshot is loaded (a later run streams from there)
 * @param keepGoing    a failed worker does not stop the others
 * @param interval     how often the status is taken
 * @param freezeCodis  pause the Codis dashboards' slot actions for the run (resumed when the fleet's last process ends)
 * @param metricsBind  address the metrics server listens on (null: loopback)
 * @param leaseHolder  who this process is in the target's leases (null: this process over the state directory)
 * @param leaseTtl     how long a lease of an instance (and a process's part of a Codis freeze) lasts without renewal
 */
public record RunOptions(Path statusFile, int metricsPort, boolean snapshotOnly, boolean keepGoing, Duration interval,
        boolean freezeCodis, String metricsBind, LeaseHolder leaseHolder, Duration leaseTtl) {

    /** Default lease time: renewed every 10 s, a killed process's instances free after 30 s. */
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(30);

    /** No status file, no server, stream until stopped, stop on the first failure, one status per second. */
    public static RunOptions defaults() {
        return new RunOptions(null, -1, false, false, Duration.ofSeconds(1), false, null, null, DEFAULT_LEASE_TTL);
    }

    public RunOptions withStatusFile(Path file) {
        return new RunOptions(file, metricsPort, snapshotOnly, keepGoing, interval, freezeCodis, metricsBind, leaseHolder, leaseTtl);
    }

    public RunOptions withMetricsPort(int port) {
        return new RunOptions(statusFile, port, snapshotOnly, keepGoing, interval, freezeCodis, metricsBind, leaseHolder, leaseTtl);
    }

    public RunOptions withSnapshotOnly(boolean only) {
        return new RunOptions(statusFile, metricsPort, only, keepGoing, interval, freezeCodis, metricsBind, leaseHolder, leaseTtl);
    }

    public RunOptions withKeepGoing(boolean keep) {
        return new RunOptions(statusFile, metricsPort, snapshotOnly, keep, interval, freezeCodis, metricsBind, leaseHolder, leaseTtl);
    }

    public RunOptions withInterval(Duration every) {
        return new RunOptions(statusFile, metricsPort, snapshotOnly, keepGoing, every, freezeCodis, metricsBind, leaseHolder, leaseTtl);
    }

    public RunOptions withCodisFreeze(boolean freeze) {
        return new RunOptions(statusFile, metricsPort, snapshotOnly, keepGoing, interval, freeze, metricsBind, leaseHolder, leaseTtl);
    }

    public RunOptions withMetricsBind(String address) {
        return new RunOptions(statusFile, metricsPort, snapshotOnly, keepGoing, interval, freezeCodis, address, leaseHolder, leaseTtl);
    }

    public RunOptions withLeases(LeaseHolder holder, Duration ttl) {
        return new RunOptions(statusFile, metricsPort, snapshotOnly, keepGoing, interval, freezeCodis, metricsBind, holder, ttl);
    }
}
