package io.slotferry.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/** Our slot function agrees with a real cluster's {@code CLUSTER KEYSLOT} for random binary keys. */
@ExtendWith(RealServers.class)
class HashSlotIT {
    @Test
    void agreesWithClusterKeyslotForRandomBinaryKeys(RedisClusterFixture cluster) {
        Random random = new Random(16384);
        try (Jedis jedis = cluster.jedis(cluster.masters().get(0))) {
            for (int i = 0; i < 3000; i++) {
                byte[] key = new byte[random.nextInt(24)];
                random.nextBytes(key);
                if (i % 3 == 0 && key.length > 4) {
                    key[random.nextInt(key.length)] = '{'; // exercise hash tags
                    key[random.nextInt(key.length)] = '}';
                }
                long server = (Long) jedis.sendCommand(Protocol.Command.CLUSTER, "KEYSLOT".getBytes(java.nio.charset.StandardCharsets.US_ASCII), key);
                assertEquals(server, HashSlot.of(key), () -> "key " + java.util.HexFormat.of().formatHex(key));
            }
        }
    }
}
