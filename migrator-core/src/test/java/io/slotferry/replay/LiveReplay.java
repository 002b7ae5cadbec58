package io.slotferry.replay;

import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.load.LoadOptions;
import io.slotferry.migration.RunningWorker;
import io.slotferry.migration.Target;
import io.slotferry.migration.Worker;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.source.SourceSpec;
import io.slotferry.write.WriterOptions;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;

/**
 * A real {@link Worker} replicating a live standalone source into the fixture cluster (as the ACL user, or
 * as the default user where a test needs more), for the policy tests: write on the source, {@link #settle()},
 * look at the cluster.
 */
final class LiveReplay implements AutoCloseable {
    private static final Pattern OFFSET = Pattern.compile("master_repl_offset:(\\d+)");

    private final StandaloneRedis source;
    private final RunningWorker run;

    private LiveReplay(StandaloneRedis source, Worker worker) {
        this.source = source;
        this.run = RunningWorker.start(worker);
    }

    static LiveReplay start(StandaloneRedis source, RedisClusterFixture cluster, ReplayOptions options, Path state, boolean admin)
            throws Exception {
        ClusterNode seed = cluster.masters().get(0);
        String password = admin ? cluster.password() : cluster.aclPassword();
        RedisEndpoint endpoint = new RedisEndpoint(seed.host(), seed.port(), cluster.sslSocketFactory(),
                admin ? null : cluster.aclUser(), () -> password);
        Target target = Target.probe(endpoint, WriterOptions.defaults());
        Worker w = new Worker(new SourceSpec.Live(source.uri(), RedisEndpoint.plain(source.host(), source.port())), target,
                LoadOptions.defaults(), options, java.nio.file.Files.createTempDirectory(state, "worker"));
        // each start is a run of its own: a fresh state directory, so no checkpoint of an earlier start is resumed
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
        run.awaitApplied(want, 30_000);
    }

    /** The worker's failure, waiting for it to stop. */
    Throwable failure() throws Exception {
        return run.failure();
    }

    /** Writes the target refused (with --on-data-error skip), most recent last. */
    java.util.List<String> recentFailures() {
        return run.worker().stats().recentFailures();
    }

    ReplayStats stats() {
        return run.worker().replayStats();
    }

    @Override
    public void close() throws Exception {
        run.close();
    }
}
