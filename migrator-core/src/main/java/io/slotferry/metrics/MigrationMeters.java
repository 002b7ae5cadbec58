package io.slotferry.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The run's meters in a Prometheus registry, read from the latest {@link RunStatus}: one series per
 * source instance (tag {@code source}), units in the names ({@code slotferry_lag_bytes},
 * {@code slotferry_lag_time_seconds}, {@code slotferry_snapshot_keys_loaded_total}, ...).
 */
public final class MigrationMeters {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<RunStatus> latest = new AtomicReference<>();

    /** Registers the series of {@code sources}. */
    public MigrationMeters(List<String> sources) {
        Gauge.builder("slotferry.ready.for.cutover", latest, r -> r.get() != null && r.get().readyForCutover() ? 1 : 0)
                .description("1 when every worker has been streaming and caught up for 5 s").register(registry);
        Gauge.builder("slotferry.safe.to.switch", latest, r -> r.get() != null && r.get().safeToSwitch() ? 1 : 0)
                .description("1 when every worker has lag 0 and no write arrived for 2 s: the writers stopped; switch now").register(registry);
        for (int i = 0; i < sources.size(); i++) {
            int index = i;
            String source = sources.get(i);
            gauge("slotferry.lag", "bytes", source, "source offset minus the offset the target holds", index, WorkerStatus::lagBytes);
            gauge("slotferry.lag.time", "seconds", source, "age of the oldest command not yet acknowledged by the target", index,
                    WorkerStatus::lagSeconds);
            gauge("slotferry.applied.offset", "bytes", source, "replication offset the target holds every command of", index,
                    WorkerStatus::appliedOffset);
            gauge("slotferry.received.offset", "bytes", source, "replication offset received from the source", index,
                    WorkerStatus::receivedOffset);
            gauge("slotferry.source.offset", "bytes", source, "the source's master_repl_offset", index, WorkerStatus::masterReplOffset);
            gauge("slotferry.snapshot.read", "bytes", source, "snapshot bytes parsed", index, WorkerStatus::rdbBytesDone);
            gauge("slotferry.snapshot.size", "bytes", source, "snapshot size", index, WorkerStatus::rdbBytesTotal);
            gauge("slotferry.streaming", null, source, "1 while the worker applies the command stream", index,
                    w -> w.phase().equals("STREAMING") ? 1 : 0);
            FunctionCounter.builder("slotferry.snapshot.keys.loaded", latest, r -> value(r.get(), index, WorkerStatus::keysLoaded))
                    .tag("source", source).description("snapshot keys the target acknowledged").register(registry);
            for (String phase : new String[] {"snapshot", "stream"}) {
                for (io.slotferry.filter.LeftOut f : io.slotferry.filter.LeftOut.values()) {
                    String entry = "filter:" + phase + ":" + f.wireName();
                    FunctionCounter.builder("slotferry.filtered.keys", latest, r -> value(r.get(), index,
                                    w -> w.stream().getOrDefault(entry, 0L)))
                            .tag("source", source).tag("phase", phase).tag("filter", f.wireName())
                            .description("keys a key filter (--include, --exclude, --types) left out").register(registry);
                }
            }
            FunctionCounter.builder("slotferry.keys.failed", latest, r -> value(r.get(), index, WorkerStatus::failedKeys))
                    .tag("source", source).description("keys the target refused").register(registry);
        }
    }

    private void gauge(String name, String unit, String source, String description, int index, ToDoubleFunction<WorkerStatus> f) {
        Gauge.Builder<AtomicReference<RunStatus>> b = Gauge.builder(name, latest, r -> value(r.get(), index, f))
                .tag("source", source).description(description);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(registry);
    }

    private static double value(RunStatus status, int index, ToDoubleFunction<WorkerStatus> f) {
        return status == null || index >= status.workers().size() ? Double.NaN : f.applyAsDouble(status.workers().get(index));
    }

    /** The values every meter reads from now on. */
    public void update(RunStatus status) {
        latest.set(status);
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }
}
