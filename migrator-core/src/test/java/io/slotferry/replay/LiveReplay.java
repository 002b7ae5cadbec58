package io.slotferry.replay;

import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.load.LoadOptions;
import io.slotferry.migration.Target;
import io.slotferry.migration.Worker;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.source.SourceSpec;
import io.slotferry.write.WriterOptions;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;

/**
 * A real {@link Worker} replicating a live standalone source into the fixture cluster (as the ACL user, or
 * as the default user where a test needs more), for the policy tests: write on the source, {@link #settle()},
 * look at the cluster.
 */
final class LiveReplay implements AutoCloseable {
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "live replay worker");
        t.setDaemon(true);
        return t;
    });
    private static final Pattern OFFSET = Pattern.compile("master_repl_offset:(\\d+)");

    private final StandaloneRedis source;
    private final Worker worker;
    private final Future<?> run;

    private LiveReplay(StandaloneRedis source, Worker worker) {
        this.source = source;
        this.worker = worker;
        this.run = THREADS.submit(() -> {
            worker.run();
            return null;
        });
    }

    static LiveReplay start(StandaloneRedis source, RedisClusterFixture cluster, ReplayOptions options, Path state, boolean admin)
            throws Exception {
        ClusterNode seed = cluster.masters().get(0);
        String password = admin ? cluster.password() : cluster.aclPassword();
        RedisEndpoint endpoint = new RedisEndpoint(seed.host(), seed.port(), cluster.sslSocketFactory(),
                admin ? null : cluster.aclUser(), () -> password);
        Target target = Target.probe(endpoint, WriterOptions.defaults());
        Worker w = new Worker(new SourceSpec.Live(source.uri(), RedisEndpoint.plain(source.host(), source.port())), target,
                LoadOptions.defaults(), options, state);
        LiveReplay replay = new LiveReplay(source, w);
        replay.settle();
        return replay;
    }

    /** Waits until the target has applied everything the source has written so far. */
    void settle() throws Exception {
        long want;
        try (Jedis j = source.jedis()) {
            Matcher m = OFFSET.matcher(j.info("replication"));
            if (!m.find()) {
                throw new AssertionError("no master_repl_offset in INFO replication");
            }
            want = Long.parseLong(m.group(1));
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (worker.appliedOffset() < want) {
            if (run.isDone()) {
                run.get();
                throw new AssertionError("the worker ended before offset " + want);
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("applied offset " + worker.appliedOffset() + " did not reach " + want + "; "
                        + worker.replayStats().snapshot());
            }
            Thread.sleep(10);
        }
    }

    /** The worker's failure, waiting for it to stop: what a command that must stop the worker leaves. */
    Throwable failure() throws Exception {
        try {
            run.get(30, TimeUnit.SECONDS);
            throw new AssertionError("the worker did not fail");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    ReplayStats stats() {
        return worker.replayStats();
    }

    @Override
    public void close() throws Exception {
        worker.stop();
        try {
            run.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // a test that expected the failure has read it already
        }
    }
}
