package io.slotferry.migration;

import io.slotferry.checkpoint.StateDirectory;
import io.slotferry.lease.CodisFreeze;
import io.slotferry.lease.InstanceLeases;
import io.slotferry.lease.LeaseException;
import io.slotferry.lease.LeaseHolder;
import io.slotferry.load.LoadOptions;
import io.slotferry.load.LoadSummary;
import io.slotferry.metrics.MigrationMeters;
import io.slotferry.metrics.RunStatus;
import io.slotferry.metrics.StatusServer;
import io.slotferry.replay.ReplayOptions;
import io.slotferry.source.CodisDashboard;
import io.slotferry.source.Fleet;
import io.slotferry.source.SourceSpec;
import io.slotferry.write.TargetNodes;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A run over a fleet: one {@link Worker} per source instance, each on its own thread, and every
 * interval a {@link RunStatus} (the state directory's {@code status.json}, the status file, meters,
 * the caller's progress lines). Ends when every
 * worker has ended, when one fails (unless keep-going), or on {@link #stop()}: workers then drain
 * their writes, checkpoint, and the final status is written.
 */
public final class Migration {
    private static final Logger LOG = Logger.getLogger(Migration.class.getName());
    private static final long STOP_GRACE_MS = 8_000;

    /** How one worker ended: its summary, or why it failed (null while it runs). */
    public record Ending(String source, LoadSummary summary, Throwable failure) {
    }

    private final Fleet fleet;
    private final List<Worker> workers = new ArrayList<>();
    private final RunOptions options;
    private final Target target;
    private final StateDirectory state;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicReference<RunStatus> latest = new AtomicReference<>();

    public Migration(Fleet fleet, Target target, LoadOptions loadOptions, ReplayOptions replayOptions, StateDirectory state,
            RunOptions options) {
        this.fleet = fleet;
        this.target = target;
        this.options = options;
        this.state = state;
        Target shared = target;
        HeapShare heap = HeapShare.of(Runtime.getRuntime().maxMemory(), fleet.sources().size(),
                target.writerOptions().maxInFlightBytes());
        if (heap.lowered()) {
            shared = new Target(target.endpoint(), target.writerOptions().withMaxInFlightBytes(heap.inFlightBytes()),
                    target.capabilities());
            LOG.log(Level.INFO, "{0} sources share a {1} MiB heap: each writer''s in-flight budget is {2} KiB instead of"
                    + " {3} KiB (--max-in-flight-bytes); a larger heap (JAVA_OPTS=-Xmx...) lets them keep more in flight",
                    new Object[] {heap.workers(), heap.maxHeap() >> 20, heap.inFlightBytes() >> 10, heap.requested() >> 10});
        }
        if (heap.tooSmall()) {
            LOG.log(Level.WARNING, "{0} sources in a {1} MiB heap may run out of memory (each needs about {2} MiB of"
                    + " buffers and writes in flight): give the JVM at least JAVA_OPTS=-Xmx{3}m, or split the fleet over"
                    + " processes (--shard/--instances)", new Object[] {heap.workers(), heap.maxHeap() >> 20,
                    HeapShare.heapAtFloor() >> 20, heap.recommendedHeap() >> 20});
        }
        for (SourceSpec s : fleet.sources()) {
            Worker w = new Worker(s, shared, loadOptions, replayOptions, state);
            if (options.snapshotOnly()) {
                w.stopAfterSnapshot();
            }
            workers.add(w);
        }
    }

    public List<Worker> workers() {
        return workers;
    }

    /** The last status taken, null before the first. */
    public RunStatus status() {
        return latest.get();
    }

    /** Asks the run to end: workers drain and checkpoint; {@link #run} then returns. Waits at most {@code millis}. */
    public boolean stop(long millis) throws InterruptedException {
        stopRequested.countDown();
        return finished.await(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs every worker to its end; {@code onStatus} sees each status (progress lines). Returns how
     * each worker ended, in fleet order.
     */
    public List<Ending> run(Consumer<RunStatus> onStatus) throws IOException, InterruptedException, LeaseException {
        MigrationMeters meters = new MigrationMeters(fleet.names());
        List<Thread> threads = new ArrayList<>();
        List<AtomicReference<Ending>> endings = new ArrayList<>();
        Map<String, LeaseException> lost = new ConcurrentHashMap<>();
        LeaseHolder holder = options.leaseHolder() != null ? options.leaseHolder() : LeaseHolder.current(state.path());
        // One process per state directory is the caller's StateLock (migrate run holds it for the run): a
        // process of the same host and state directory takes over the leases of the one before it.
        try (TargetNodes coordination = TargetNodes.open(target.endpoint(), target.writerOptions().connectTimeout());
             StatusSampler sampler = new StatusSampler(workers, target.writerOptions().connectTimeout(), options.interval())) {
            InstanceLeases leases = new InstanceLeases(coordination, holder, options.leaseTtl());
            CodisFreeze freeze = new CodisFreeze(coordination, holder, options.leaseTtl());
            try {
                leases.acquire(fleet.sources().stream().filter(s -> !(s instanceof SourceSpec.RdbFile)).map(SourceSpec::name).toList());
                if (options.freezeCodis()) {
                    for (CodisDashboard d : fleet.dashboards()) {
                        freeze.join(d);
                    }
                }
                return runWorkers(meters, sampler, leases, freeze, lost, threads, endings, onStatus);
            } finally {
                leases.release();
                freeze.leave();
            }
        } finally {
            finished.countDown();
        }
    }

    private List<Ending> runWorkers(MigrationMeters meters, StatusSampler sampler, InstanceLeases leases, CodisFreeze freeze,
            Map<String, LeaseException> lost, List<Thread> threads, List<AtomicReference<Ending>> endings,
            Consumer<RunStatus> onStatus) throws IOException, InterruptedException {
        StatusServer server = null;
        ScheduledExecutorService renewer = null;
        try {
            if (options.metricsPort() >= 0) {
                server = StatusServer.start(options.metricsBind(), options.metricsPort(), meters::scrape, this::statusJson,
                        () -> latest.get() != null && latest.get().readyForCutover());
                LOG.log(Level.INFO, "metrics at http://{0}:{1}/metrics, status at /status, readiness at /ready, liveness at /live",
                        new Object[] {options.metricsBind() == null ? "127.0.0.1" : options.metricsBind(), Integer.toString(server.port())});
            }
            for (Worker w : workers) {
                AtomicReference<Ending> ending = new AtomicReference<>();
                endings.add(ending);
                Thread t = new Thread(() -> {
                    try {
                        ending.set(new Ending(w.source().name(), w.run(), null));
                    } catch (Throwable e) {
                        ending.set(new Ending(w.source().name(), null, e));
                    }
                }, "worker " + w.source().name());
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            renewer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lease renewal");
                t.setDaemon(true);
                return t;
            });
            long every = leases.renewEvery().toMillis();
            renewer.scheduleWithFixedDelay(() -> renew(leases, freeze, lost, threads), every, every, TimeUnit.MILLISECONDS);
            boolean stopping = false;
            long stopDeadline = Long.MAX_VALUE;
            while (true) {
                boolean allEnded = endings.stream().allMatch(e -> e.get() != null);
                boolean failed = !lost.isEmpty() || endings.stream().anyMatch(e -> e.get() != null && e.get().failure() != null);
                publish(sampler.sample(), meters, onStatus);
                if (allEnded) {
                    break;
                }
                if (!stopping && (stopRequested.getCount() == 0 || (failed && !options.keepGoing()))) {
                    stopping = true;
                    stopDeadline = System.currentTimeMillis() + STOP_GRACE_MS;
                    workers.forEach(Worker::stop);
                } else if (stopping && System.currentTimeMillis() > stopDeadline) {
                    // A worker still loading a snapshot cannot finish it in time: its checkpoint says
                    // SNAPSHOT, so the next run takes a new one.
                    threads.forEach(Thread::interrupt);
                    stopDeadline = Long.MAX_VALUE;
                }
                stopRequested.await(options.interval().toMillis(), TimeUnit.MILLISECONDS);
            }
            List<Ending> out = new ArrayList<>();
            endings.forEach(e -> {
                Ending end = e.get();
                LeaseException leaseLost = lost.get(end.source());
                out.add(leaseLost == null || end.failure() != null ? end : new Ending(end.source(), end.summary(), leaseLost));
            });
            return out;
        } finally {
            if (renewer != null) {
                renewer.shutdown(); // a renewal under way ends first: it shares the connection the release uses
                renewer.awaitTermination(10, TimeUnit.SECONDS); // no renewal after the leases are released
            }
            if (server != null) {
                server.close();
            }
        }
    }

    /**
     * On its own thread, every third of the lease time (a slow status sample must not delay it): renews the
     * leases, stops the worker of each one lost, renews this process's part of the Codis freezes.
     */
    private void renew(InstanceLeases leases, CodisFreeze freeze, Map<String, LeaseException> lost, List<Thread> threads) {
        try {
            leases.renew().forEach((source, why) -> {
                lost.put(source, new LeaseException(source, "source " + source + ": stopped, " + why
                        + "; it must not be written by two processes"));
                stopLostWorker(source, threads);
            });
            freeze.renew();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "renewing the leases failed", e);
        }
    }

    /** A worker whose lease is lost stops at once: a worker still loading its snapshot is interrupted. */
    private void stopLostWorker(String source, List<Thread> threads) {
        for (int i = 0; i < workers.size(); i++) {
            Worker w = workers.get(i);
            if (w.source().name().equals(source)) {
                LOG.log(Level.SEVERE, "{0}: lease lost; stopping its worker", source);
                w.stop();
                if (w.phase() == Worker.Phase.STARTING || w.phase() == Worker.Phase.SNAPSHOT) {
                    threads.get(i).interrupt();
                }
            }
        }
    }

    private void publish(RunStatus status, MigrationMeters meters, Consumer<RunStatus> onStatus) throws IOException {
        latest.set(status);
        meters.update(status);
        StateDirectory.replaceStatus(state.statusFile(), status);
        if (options.statusFile() != null) {
            StateDirectory.replaceStatus(options.statusFile(), status);
        }
        onStatus.accept(status);
    }

    private byte[] statusJson() {
        try {
            RunStatus s = latest.get();
            return StateDirectory.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(s == null ? java.util.Map.of() : s);
        } catch (IOException e) {
            throw new IllegalStateException("status is not serializable", e);
        }
    }
}
