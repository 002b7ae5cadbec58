package io.slotferry.load;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * One key of every type and notable shape, written into a real server's database 0: small (listpack,
 * intset) and big (quicklist, hashtable, skiplist) collections that span several rewrite chunks, an
 * incompressible multi-MiB string, special scores, TTLs, binary keys, and streams with groups, consumers
 * (one without pending entries), delivery counts, a pending entry whose stream entry was deleted, an
 * empty stream with a group, and XSETID counters.
 */
final class Dataset {
    static final long FAR = 4102444800000L; // 2100-01-01

    private Dataset() {
    }

    /** Writes the keys. */
    static void write(Jedis jedis) {
        Random random = new Random(42);
        Pipeline p = jedis.pipelined();
        p.set("str:plain", "hello");
        p.set("str:int", "12345");
        p.set("str:ttl", "expires later");
        p.pexpireAt("str:ttl", FAR + 123);
        byte[] big = new byte[(5 << 19) + 77]; // 2.5 MiB of noise: stored raw, read in pieces
        random.nextBytes(big);
        p.set(ascii("str:big"), big);
        p.set(new byte[] {0, (byte) 0xff, 'k'}, new byte[] {'\r', '\n', 0});
        p.rpush("list:small", "a", "b", "c");
        for (int i = 0; i < 5000; i += 500) {
            String[] chunk = new String[500];
            for (int j = 0; j < 500; j++) {
                chunk[j] = (i + j) % 3 == 0 ? Integer.toString(i + j) : "element-" + (i + j);
            }
            p.rpush("list:big", chunk);
        }
        p.rpush("list:ttl", "x");
        p.pexpireAt("list:ttl", FAR);
        p.sadd("set:ints", "1", "2", "300000", "-5");
        p.sadd("set:small", "x", "y", "z");
        for (int i = 0; i < 3000; i++) {
            p.sadd("set:big", "member-" + i);
        }
        Map<String, Double> special = Map.of("pinf", Double.POSITIVE_INFINITY, "ninf", Double.NEGATIVE_INFINITY,
                "tenth", 0.1, "huge", 1e300, "neg", -3.25, "eps", 1.0000000000000002, "tiny", Double.MIN_VALUE);
        p.zadd("zset:small", special);
        Map<String, Double> many = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            many.put("m" + i, random.nextGaussian() * 1e6);
        }
        p.zadd("zset:big", many);
        p.hset("hash:small", Map.of("f1", "v1", "f2", "v2"));
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            fields.put("field-" + i, "value-" + i);
        }
        p.hset("hash:big", fields);
        p.hset(ascii("hash:bin"), Map.of(new byte[] {0, 1}, new byte[] {(byte) 0xfe}));
        p.sync();
        streams(jedis);
    }

    private static void streams(Jedis jedis) {
        cmd(jedis, "XADD", "stream:groups", "1-1", "n", "1", "other", "field");
        for (int i = 2; i <= 12; i++) {
            cmd(jedis, "XADD", "stream:groups", i + "-1", "n", Integer.toString(i));
        }
        cmd(jedis, "XGROUP", "CREATE", "stream:groups", "g1", "0");
        cmd(jedis, "XGROUP", "CREATE", "stream:groups", "g2", "0");
        cmd(jedis, "XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "stream:groups", ">");
        cmd(jedis, "XREADGROUP", "GROUP", "g1", "bob", "COUNT", "4", "STREAMS", "stream:groups", ">");
        cmd(jedis, "XREADGROUP", "GROUP", "g1", "bob", "STREAMS", "stream:groups", "0"); // delivery count 2
        cmd(jedis, "XREADGROUP", "GROUP", "g2", "dave", "COUNT", "3", "STREAMS", "stream:groups", ">");
        cmd(jedis, "XREADGROUP", "GROUP", "g2", "dave", "COUNT", "2", "NOACK", "STREAMS", "stream:groups", ">");
        cmd(jedis, "XCLAIM", "stream:groups", "g1", "carol", "0", "5-1", "RETRYCOUNT", "7");
        cmd(jedis, "XGROUP", "CREATECONSUMER", "stream:groups", "g1", "erin");
        cmd(jedis, "XDEL", "stream:groups", "2-1", "9-1"); // 2-1 stays pending in g1 and g2
        cmd(jedis, "XACK", "stream:groups", "g1", "3-1");

        for (int i = 1; i <= 3000; i++) {
            cmd(jedis, "XADD", "stream:big", i + "-0", "i", Integer.toString(i), "pad", "x".repeat(i % 50));
        }
        cmd(jedis, "XGROUP", "CREATE", "stream:big", "readers", "0");
        cmd(jedis, "XREADGROUP", "GROUP", "readers", "r1", "COUNT", "1200", "STREAMS", "stream:big", ">");
        cmd(jedis, "XREADGROUP", "GROUP", "readers", "r2", "COUNT", "300", "STREAMS", "stream:big", ">");
        cmd(jedis, "XDEL", "stream:big", "10-0", "1100-0", "1250-0", "2999-0");

        cmd(jedis, "XGROUP", "CREATE", "stream:mkstream", "g", "$", "MKSTREAM");
        cmd(jedis, "XADD", "stream:empty", "5-1", "f", "v");
        cmd(jedis, "XDEL", "stream:empty", "5-1");
        cmd(jedis, "XADD", "stream:setid", "7-7", "f", "v");
        cmd(jedis, "XSETID", "stream:setid", "100-5", "ENTRIESADDED", "42", "MAXDELETEDID", "50-0");
    }

    private static void cmd(Jedis jedis, String name, String... args) {
        byte[][] a = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            a[i] = ascii(args[i]);
        }
        byte[] command = ascii(name);
        jedis.sendCommand(() -> command, a);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
