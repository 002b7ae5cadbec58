package io.slotferry.migration;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** A {@link Worker} running on a daemon thread, as tests drive it: wait for an applied offset, read its failure, stop it. */
public final class RunningWorker implements AutoCloseable {
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test worker");
        t.setDaemon(true);
        return t;
    });

    private final Worker worker;
    private final Future<?> run;

    private RunningWorker(Worker worker) {
        this.worker = worker;
        this.run = THREADS.submit(() -> {
            worker.run();
            return null;
        });
    }

    public static RunningWorker start(Worker worker) {
        return new RunningWorker(worker);
    }

    public Worker worker() {
        return worker;
    }

    /** Waits until the worker has applied {@code offset}; its own failure, if it stops first, is thrown. */
    public void awaitApplied(long offset, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (worker.appliedOffset() < offset) {
            if (run.isDone()) {
                run.get();
                throw new AssertionError("the worker ended at applied offset " + worker.appliedOffset() + " before " + offset);
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("applied offset " + worker.appliedOffset() + " did not reach " + offset + "; "
                        + worker.replayStats().snapshot());
            }
            Thread.sleep(10);
        }
    }

    /** The worker's failure, waiting for it to stop: what a command that must stop the worker leaves. */
    public Throwable failure() throws Exception {
        try {
            run.get(30, TimeUnit.SECONDS);
            throw new AssertionError("the worker did not fail");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Stops the worker and waits for it; a failure it ended with is thrown. */
    public void stopAndJoin() throws Exception {
        worker.stop();
        try {
            run.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    /** Stops the worker; a failure a test already read with {@link #failure()} is not thrown again. */
    @Override
    public void close() throws Exception {
        worker.stop();
        try {
            run.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // read by the test through failure(), or reported by its assertions
        }
    }
}
