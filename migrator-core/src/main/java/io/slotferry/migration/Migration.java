package io.slotferry.migration;

import io.slotferry.checkpoint.StateDirectory;
import io.slotferry.load.LoadOptions;
import io.slotferry.load.LoadSummary;
import io.slotferry.metrics.MigrationMeters;
import io.slotferry.metrics.RunStatus;
import io.slotferry.metrics.StatusServer;
import io.slotferry.replay.ReplayOptions;
import io.slotferry.source.CodisDashboard;
import io.slotferry.source.Fleet;
import io.slotferry.source.SourceSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
        for (SourceSpec s : fleet.sources()) {
            Worker w = new Worker(s, target, loadOptions, replayOptions, state);
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
    public List<Ending> run(Consumer<RunStatus> onStatus) throws IOException, InterruptedException {
        MigrationMeters meters = new MigrationMeters(fleet.names());
        List<CodisDashboard> frozen = new ArrayList<>();
        StatusServer server = null;
        List<Thread> threads = new ArrayList<>();
        List<AtomicReference<Ending>> endings = new ArrayList<>();
        try (StatusSampler sampler = new StatusSampler(workers, target.writerOptions().connectTimeout(), options.interval())) {
            freeze(frozen);
            if (options.metricsPort() >= 0) {
                server = StatusServer.start(options.metricsPort(), meters::scrape, this::statusJson);
                LOG.log(Level.INFO, "metrics at http://127.0.0.1:{0}/metrics, status at /status", Integer.toString(server.port()));
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
            boolean stopping = false;
            long stopDeadline = Long.MAX_VALUE;
            while (true) {
                boolean allEnded = endings.stream().allMatch(e -> e.get() != null);
                boolean failed = endings.stream().anyMatch(e -> e.get() != null && e.get().failure() != null);
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
            endings.forEach(e -> out.add(e.get()));
            return out;
        } finally {
            if (server != null) {
                server.close();
            }
            resume(frozen);
            finished.countDown();
        }
    }

    private void publish(RunStatus status, MigrationMeters meters, Consumer<RunStatus> onStatus) throws IOException {
        latest.set(status);
        meters.update(status);
        StateDirectory.writeAtomically(state.statusFile(), status);
        if (options.statusFile() != null) {
            StateDirectory.writeAtomically(options.statusFile(), status);
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

    private void freeze(List<CodisDashboard> frozen) throws IOException {
        if (!options.freezeCodis()) {
            return;
        }
        for (CodisDashboard d : fleet.dashboards()) {
            CodisDashboard.Overview o = d.overview();
            if (o.slotActionsDisabled()) {
                continue; // already paused by the operator: theirs to resume
            }
            d.setSlotActionsDisabled(o.productName(), true);
            frozen.add(d);
            LOG.log(Level.INFO, "Codis {0}: slot actions paused for the run", d.base());
            String unsafe = d.overview().unsafeToStart(); // one may have started between discovery and the pause
            if (unsafe != null) {
                throw new io.slotferry.source.DiscoveryException("Codis " + d.base() + ": " + unsafe);
            }
        }
    }

    private void resume(List<CodisDashboard> frozen) {
        for (CodisDashboard d : frozen) {
            try {
                d.setSlotActionsDisabled(d.overview().productName(), false);
                LOG.log(Level.INFO, "Codis {0}: slot actions resumed", d.base());
            } catch (IOException e) {
                LOG.log(Level.SEVERE, "Codis {0}: could not resume slot actions ({1}); resume them with codis-admin"
                        + " --dashboard=ADDR --slot-action --disabled=0", new Object[] {d.base(), e.getMessage()});
            }
        }
    }
}
