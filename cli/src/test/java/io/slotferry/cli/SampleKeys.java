package io.slotferry.cli;

import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** The sample data set of the proxy ITs: {@code keys} keys of every type (a sixth with a 600 s TTL), pipelined. */
final class SampleKeys {
    private SampleKeys() {
    }

    /** Writes the keys through {@code j} (a proxy, or a server), closing it. */
    static void write(Jedis j, int keys) {
        try (j) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < keys; i++) {
                switch (i % 6) {
                    case 0 -> p.set("s:" + i, "v" + i);
                    case 1 -> p.hset("h:" + i, Map.of("a", "1", "b", "x" + i));
                    case 2 -> p.rpush("l:" + i, "x", "y", "z" + i);
                    case 3 -> p.sadd("set:" + i, "m1", "m2");
                    case 4 -> p.zadd("z:" + i, i, "member");
                    default -> p.psetex("ttl:" + i, 600_000, "expiring");
                }
                if (i % 500 == 499) {
                    p.sync();
                }
            }
            p.sync();
        }
    }
}
