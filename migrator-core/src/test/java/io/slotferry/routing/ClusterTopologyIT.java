package io.slotferry.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/** Topology read from the TLS + ACL fixture cluster agrees with where the cluster really stores keys. */
@ExtendWith(RealServers.class)
class ClusterTopologyIT {
    @Test
    void everySlotMapsToThePrimaryThatHoldsItsKeys(RedisClusterFixture cluster) throws Exception {
        ClusterNode seedNode = cluster.masters().get(0);
        // The least-privileged ACL user of the fixture, over verified TLS, as the migrator connects.
        String password = cluster.aclPassword();
        RedisEndpoint seed = new RedisEndpoint(seedNode.host(), seedNode.port(), cluster.sslSocketFactory(), cluster.aclUser(), () -> password);
        SlotTable table;
        try (RedisConnection c = RedisConnection.open(seed, Duration.ofSeconds(5))) {
            table = ClusterTopology.discover(c);
        }
        assertEquals(3, table.primaries().size());
        Set<Integer> masterPorts = new HashSet<>();
        cluster.masters().forEach(m -> masterPorts.add(m.port()));
        table.primaries().forEach(p -> assertTrue(masterPorts.contains(p.port()), p + " is a primary"));
        try (JedisCluster writer = cluster.jedisCluster()) {
            for (int i = 0; i < 200; i++) {
                writer.set("topology:" + i, "v");
            }
        }
        for (ClusterNode master : cluster.masters()) {
            try (Jedis jedis = cluster.jedis(master)) {
                for (int i = 0; i < 200; i++) {
                    byte[] key = ("topology:" + i).getBytes(StandardCharsets.US_ASCII);
                    boolean here = jedis.sendCommand(redis.clients.jedis.Protocol.Command.CLUSTER, "COUNTKEYSINSLOT".getBytes(StandardCharsets.US_ASCII),
                            Integer.toString(HashSlot.of(key)).getBytes(StandardCharsets.US_ASCII)) instanceof Long n && n > 0;
                    if (here) {
                        assertEquals(master.port(), table.primaryFor(key).port(), "slot of " + new String(key, StandardCharsets.US_ASCII));
                    }
                }
            }
        }
    }
}
