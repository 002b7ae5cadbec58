package io.slotferry.write;

import static io.slotferry.fixture.Bulk.ascii;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.resp.RedisEndpoint;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * {@code --max-bytes} as a rate of bytes on the wire: small writes (where the in-flight budget's heap estimate is
 * several times their RESP) reach the target at about the rate asked, measured by the target's own
 * {@code total_net_input_bytes}. Loosely bounded: the limit allows a one-second burst, and a loaded machine may
 * send slower, never faster.
 */
@ExtendWith(RealServers.class)
class WireRateIT {
    private static final long LIMIT = 100_000;

    private static long netInput(Jedis j) {
        return Long.parseLong(j.info("stats").replaceAll("(?s).*\\btotal_net_input_bytes:(\\d+).*", "$1"));
    }

    @Test
    void smallWritesGoAtAboutTheBytesPerSecondAsked(StandaloneRedis redis) throws Exception {
        redis.flushAll();
        try (Jedis j = redis.jedis()) {
            long before = netInput(j);
            long start = System.nanoTime();
            try (ClusterWriter writer = ClusterWriter.open(RedisEndpoint.plain(redis.host(), redis.port()),
                    WriterOptions.defaults().withRateLimit(0, LIMIT), WriteListener.NONE)) {
                for (int i = 0; i < 25_000; i++) { // about 40 bytes each: 1 MB, 9 s at the limit after a 1 s burst
                    byte[] key = ascii("key:" + i);
                    writer.submit(Write.of(key, i, List.of(ascii("SET"), key, ascii("v"))));
                }
                writer.drain();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long sent = netInput(j) - before;
            double rate = sent / seconds;
            String what = String.format("%d bytes in %.2f s: %.0f B/s for a limit of %d B/s", sent, seconds, rate, LIMIT);
            assertTrue(sent > 800_000, what);
            assertTrue(rate <= 1.3 * LIMIT, "never much faster than asked (a one-second burst at most): " + what);
            assertTrue(rate >= 0.5 * LIMIT, "the limit counts wire bytes, not the heap estimate (~6x for such writes): " + what);
        } finally {
            redis.flushAll();
        }
    }
}
