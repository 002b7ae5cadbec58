package io.slotferry.migration;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.load.LoadOptions;
import io.slotferry.replay.CrossSlotScripts;
import io.slotferry.replay.FlushPolicy;
import io.slotferry.replay.ReplayOptions;
import io.slotferry.replication.transcript.Transcript;
import io.slotferry.replication.transcript.TranscriptMaster;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.source.SourceSpec;
import io.slotferry.translate.DbMapping;
import io.slotferry.write.DataErrorPolicy;
import io.slotferry.write.WriterOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A worker replaying a capture served by a fake master into the TLS + ACL fixture cluster, as the
 * least-privileged user, with {@code --db-map prefix --flush delete-own-keys --cross-slot-scripts emulate}
 * and data errors skipped; {@code ttlMaster} stands in for the capture's master when the replay asks it
 * for TTLs (the fake master answers replication only).
 */
final class TranscriptWorker {
    private TranscriptWorker() {
    }

    static Worker of(RedisClusterFixture cluster, Transcript capture, TranscriptMaster master, StandaloneRedis ttlMaster, Path state)
            throws Exception {
        ClusterNode seed = cluster.masters().get(0);
        String password = cluster.aclPassword();
        RedisEndpoint endpoint = new RedisEndpoint(seed.host(), seed.port(), cluster.sslSocketFactory(), cluster.aclUser(),
                () -> password);
        Target target = Target.probe(endpoint, WriterOptions.defaults().withDataErrors(DataErrorPolicy.SKIP));
        ReplayOptions replay = ReplayOptions.defaults().withDbMapping(DbMapping.parse("prefix")).withFlush(FlushPolicy.DELETE_OWN_KEYS)
                .withCrossSlotScripts(CrossSlotScripts.EMULATE).withDataErrors(DataErrorPolicy.SKIP);
        return new Worker(new SourceSpec.Live(capture.name(), RedisEndpoint.plain("127.0.0.1", master.port())), target,
                LoadOptions.defaults().withDataErrorPolicy(DataErrorPolicy.SKIP), replay, Files.createDirectories(state.resolve(capture.name())))
                .readTtlsFrom(RedisEndpoint.plain(ttlMaster.host(), ttlMaster.port()), version(capture));
    }

    /** The captured server's {@code redis_version}. */
    static String version(Transcript capture) throws IOException {
        return new ObjectMapper().readTree(capture.directory().resolve(capture.name() + ".json").toFile())
                .get("server").get("redis_version").asText();
    }

    /** Where the stream of {@code capture} ends in replication offsets (a SYNC session counts from 0 at the snapshot). */
    static long endOffset(Transcript capture) {
        return capture.isSync() ? capture.stream().bytes() : capture.masterReplOffsetEnd();
    }
}
