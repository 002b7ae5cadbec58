package io.slotferry.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.Await;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.fixture.TwemproxyFixture;
import io.slotferry.replication.scan.ScanFollow;
import io.slotferry.resp.RedisEndpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** Discovery against real servers: Twemproxy backends, and the replica chosen for --sync-from replica. */
@ExtendWith(RealServers.class)
class DiscoveryIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private static Discovery.Options options(SyncFrom from) {
        return new Discovery.Options(uri -> {
            throw new AssertionError("no URI sources here: " + uri);
        }, RedisEndpoint.plain("backend", 6379), from, TIMEOUT, ScanFollow.AUTO);
    }

    @Test
    void findsEveryBackendOfTheNutcrackerPoolByName(TwemproxyFixture proxy) throws Exception {
        Fleet fleet = Discovery.discover(List.of("twemproxy:" + proxy.configFile()), options(SyncFrom.REPLICA));
        assertEquals(List.of("twemproxy:alpha/shard0", "twemproxy:alpha/shard1", "twemproxy:alpha/shard2"), fleet.names());
        for (int i = 0; i < TwemproxyFixture.BACKENDS; i++) {
            SourceSpec.Live live = (SourceSpec.Live) fleet.sources().get(i);
            assertEquals(proxy.backends().get(i).port(), live.endpoint().port(), "no replica: the backend itself");
        }
    }

    @Test
    void replicatesAShardFromItsHealthyReplicaUnlessTheMasterIsAsked(StandaloneRedis master) throws Exception {
        try (StandaloneRedis replica = StandaloneRedis.start("--replicaof", master.host(), Integer.toString(master.port()))) {
            // Both views: the replica's link is up, and the master lists it online (after its first ACK).
            Await.until("the replica's link is up and the master lists it online", Duration.ofSeconds(20), () -> {
                try (Jedis j = replica.jedis(); Jedis m = master.jedis()) {
                    return j.info("replication").contains("master_link_status:up")
                            && m.info("replication").contains("port=" + replica.port() + ",state=online");
                }
            });
            Path yml = Files.writeString(dir.resolve("nutcracker.yml"), "pool:\n  redis: true\n  servers:\n   - "
                    + master.host() + ":" + master.port() + ":1 one\n", StandardCharsets.UTF_8);
            SourceSpec.Live viaReplica = (SourceSpec.Live) Discovery.discover(List.of("twemproxy:" + yml), options(SyncFrom.REPLICA))
                    .sources().get(0);
            assertEquals("twemproxy:pool/one", viaReplica.name(), "the shard keeps its name");
            assertEquals(replica.port(), viaReplica.endpoint().port());
            SourceSpec.Live viaMaster = (SourceSpec.Live) Discovery.discover(List.of("twemproxy:" + yml), options(SyncFrom.MASTER))
                    .sources().get(0);
            assertEquals(master.port(), viaMaster.endpoint().port());
        }
    }

    @Test
    void refusesTheSameInstanceTwice(TwemproxyFixture proxy) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Discovery.discover(
                List.of("twemproxy:" + proxy.configFile(), "twemproxy:" + proxy.configFile() + "#alpha"), options(SyncFrom.MASTER)));
        assertTrue(e.getMessage().contains("named twice"), e.getMessage());
    }
}
