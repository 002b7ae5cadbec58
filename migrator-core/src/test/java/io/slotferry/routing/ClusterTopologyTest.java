package io.slotferry.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterTopologyTest {
    private static final RedisEndpoint SEED = RedisEndpoint.plain("10.0.0.1", 7000);

    private static RespValue bulk(String s) {
        return new RespValue.Bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    private static RespValue num(long n) {
        return new RespValue.Integer(n);
    }

    private static RespValue arr(RespValue... items) {
        return new RespValue.Array(List.of(items));
    }

    private static RespValue slotsEntry(int start, int end, String host, int port) {
        return arr(num(start), num(end), arr(bulk(host), num(port), bulk("id")));
    }

    @Test
    void clusterSlotsMapsEveryRangeToItsPrimary() throws Exception {
        SlotTable t = ClusterTopology.fromSlots(SEED, (RespValue.Array) arr(
                slotsEntry(0, 5460, "10.0.0.1", 7000),
                slotsEntry(5461, 10922, "", 7001), // empty host: the address the client used
                slotsEntry(10923, 16383, "10.0.0.3", 7002)));
        assertEquals(3, t.primaries().size());
        assertEquals(7000, t.primaryOf(0).port());
        assertEquals("10.0.0.1", t.primaryOf(6000).host());
        assertEquals(7001, t.primaryOf(10922).port());
        assertEquals(7002, t.primaryFor("foo".getBytes(StandardCharsets.US_ASCII)).port(), "slot 12182");
    }

    @Test
    void uncoveredSlotsAreAnErrorNamingThem() {
        TopologyException e = assertThrows(TopologyException.class, () -> ClusterTopology.fromSlots(SEED, (RespValue.Array) arr(
                slotsEntry(0, 5460, "10.0.0.1", 7000), slotsEntry(5462, 16383, "10.0.0.2", 7001))));
        assertTrue(e.getMessage().contains("5461"), e.getMessage());
    }

    @Test
    void clusterShardsUsesTheOnlinePrimaryAndItsTlsPortOverTls() throws Exception {
        RedisEndpoint tlsSeed = new RedisEndpoint("10.0.0.1", 6380, javax.net.ssl.SSLContext.getDefault().getSocketFactory(), null, null);
        RespValue shard = arr(bulk("slots"), arr(num(0), num(16383)), bulk("nodes"), arr(
                arr(bulk("id"), bulk("r"), bulk("port"), num(0), bulk("tls-port"), num(6390), bulk("ip"), bulk("10.0.0.9"),
                        bulk("endpoint"), bulk("10.0.0.9"), bulk("role"), bulk("replica"), bulk("health"), bulk("online")),
                arr(bulk("id"), bulk("p"), bulk("port"), num(0), bulk("tls-port"), num(6380), bulk("ip"), bulk("10.0.0.1"),
                        bulk("endpoint"), bulk("10.0.0.1"), bulk("role"), bulk("master"), bulk("health"), bulk("online"))));
        SlotTable t = ClusterTopology.fromShards(tlsSeed, (RespValue.Array) arr(shard));
        assertEquals(1, t.primaries().size());
        assertEquals(6380, t.primaryOf(16383).port());
        assertEquals("10.0.0.1", t.primaryOf(0).host());
    }
}
