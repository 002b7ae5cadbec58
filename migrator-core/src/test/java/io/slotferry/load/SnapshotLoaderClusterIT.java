package io.slotferry.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.ServerView;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.write.ClusterWriter;
import io.slotferry.write.DataErrorPolicy;
import io.slotferry.write.WriterOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * Every file of the shared corpus, loaded through the real writer into the TLS + ACL fixture cluster
 * as the least-privileged user, in both load modes, reads back equal to its manifest (read from
 * every primary with a client that is not ours).
 */
@ExtendWith(RealServers.class)
class SnapshotLoaderClusterIT {

    @TestFactory
    Stream<DynamicTest> everyCorpusFileLoadsIntoTheClusterInBothModes(RedisClusterFixture cluster) {
        return SnapshotLoaderIT.everyCorpusFileInBothModes((rdb, manifest, mode) -> loadAndCompare(cluster, rdb, manifest, mode));
    }

    private static void loadAndCompare(RedisClusterFixture cluster, Path rdb, JsonNode manifest, LoadMode mode) throws Exception {
        cluster.flushAll();
        long now = System.currentTimeMillis();
        LoadOptions options = LoadOptions.defaults().withMode(mode).withDataErrorPolicy(DataErrorPolicy.SKIP)
                .withClock(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC));
        ClusterNode seed = cluster.masters().get(0);
        String password = cluster.aclPassword();
        RedisEndpoint endpoint = new RedisEndpoint(seed.host(), seed.port(), cluster.sslSocketFactory(), cluster.aclUser(),
                () -> password);
        LoadStats stats = new LoadStats();
        TargetCapabilities target;
        try (RedisConnection c = RedisConnection.open(endpoint, Duration.ofSeconds(5))) {
            target = TargetCapabilities.probe(c);
        }
        try (ClusterWriter writer = ClusterWriter.open(endpoint, WriterOptions.defaults().withDataErrors(DataErrorPolicy.SKIP),
                stats)) {
            SnapshotLoader.load(rdb, writer, target, options, stats);
        }
        Map<String, JsonNode> actual = new HashMap<>();
        for (ClusterNode master : cluster.masters()) {
            try (Jedis jedis = cluster.jedis(master)) {
                for (byte[] key : ServerView.keys(jedis)) {
                    actual.put(new String(key, StandardCharsets.ISO_8859_1), ServerView.of(jedis, key, true));
                }
            }
        }
        SnapshotLoaderIT.assertMatchesManifest(manifest, now, actual, stats, rdb.getFileName() + " " + mode + " on the cluster");
    }
}
