package io.slotferry.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

@ExtendWith(RealServers.class)
class HandshakeIT {
    @Test
    void theHandshakeLearnsHowOftenTheMasterPingsItsReplicas(StandaloneRedis redis) throws Exception {
        try (Jedis j = redis.jedis()) {
            j.configSet("repl-ping-replica-period", "25");
        }
        try (RedisConnection c = RedisConnection.open(RedisEndpoint.plain(redis.host(), redis.port()), Duration.ofSeconds(5))) {
            Handshake h = new Handshake(c, Duration.ofSeconds(30));
            h.run(null, 0, true); // RDB only: the master drops the link after the transfer
            assertEquals(25, h.pingPeriodSeconds(), "the stream's silence bound follows it (4 periods, at least the default)");
        } finally {
            try (Jedis j = redis.jedis()) {
                j.configSet("repl-ping-replica-period", "10");
            }
        }
    }
}
