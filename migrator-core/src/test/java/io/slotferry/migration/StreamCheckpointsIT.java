package io.slotferry.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.checkpoint.Checkpoint;
import io.slotferry.checkpoint.RunIdentity;
import io.slotferry.checkpoint.StateDirectory;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.load.LoadOptions;
import io.slotferry.replay.ReplayOptions;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.source.SourceSpec;
import io.slotferry.translate.DbMapping;
import io.slotferry.write.WriterOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** What a live worker's {@link StreamCheckpoints} leave on disk when it stops: the record a restart resumes from. */
@ExtendWith(RealServers.class)
class StreamCheckpointsIT {
    private static final Pattern OFFSET = Pattern.compile("master_repl_offset:(\\d+)");

    @TempDir
    Path state;

    @Test
    void aStoppedWorkersCheckpointNamesWhatTheTargetHoldsItsDatabaseAndASubmitLimitAMarginPastWhatItReceived(
            StandaloneRedis source, RedisClusterFixture cluster) throws Exception {
        source.flushAll();
        cluster.flushAll();
        ClusterNode seed = cluster.masters().get(0);
        String password = cluster.aclPassword();
        Target target = Target.probe(new RedisEndpoint(seed.host(), seed.port(), cluster.sslSocketFactory(), cluster.aclUser(),
                () -> password), WriterOptions.defaults());
        SourceSpec.Live live = new SourceSpec.Live(source.uri(), RedisEndpoint.plain(source.host(), source.port()));
        Worker worker = new Worker(live, target, LoadOptions.defaults(),
                ReplayOptions.defaults().withDbMapping(DbMapping.Prefix.of("db%d:")), state);

        long written;
        try (RunningWorker run = RunningWorker.start(worker); Jedis src = source.jedis()) {
            run.awaitApplied(0, 30_000); // streaming: the writes below come through the stream, not the snapshot
            src.set("first", "raises the submit limit from what was received then");
            run.awaitApplied(offset(src), 30_000);
            Random random = new Random(2026_12_07);
            for (int i = 0; i < 300; i++) {
                src.select(random.nextInt(3));
                src.set("k:" + i, Integer.toString(random.nextInt()));
            }
            src.select(2);
            src.set("last", "in database 2");
            written = offset(src);
            run.awaitApplied(written, 30_000);
            run.stopAndJoin();
        }

        Checkpoint c = StateDirectory.open(state, new RunIdentity(List.of(live.name()), target.endpoint().toString()))
                .checkpoint(live.name()).orElseThrow();
        assertEquals(Checkpoint.Phase.STREAMING, c.phase());
        assertTrue(c.appliedOffset() >= written, "the target holds every write: " + c);
        assertEquals(c.receivedOffset(), c.appliedOffset(), "drained on stop: everything received is applied");
        assertEquals(2, c.db(), "the database selected at the applied offset, which a resumed stream does not repeat: " + c);
        assertTrue(c.submitLimit() >= c.receivedOffset() + StreamCheckpoints.SUBMIT_MARGIN,
                "a restart may find writes up to the limit applied; the limit covers what was received: " + c);
    }

    private static long offset(Jedis source) {
        Matcher m = OFFSET.matcher(source.info("replication"));
        if (!m.find()) {
            throw new AssertionError("no master_repl_offset in INFO replication");
        }
        return Long.parseLong(m.group(1));
    }
}
