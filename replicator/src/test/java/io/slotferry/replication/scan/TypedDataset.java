package io.slotferry.replication.scan;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

/**
 * Writes keys of every type and (Redis 7.0) encoding into one database: integer, short, compressible
 * and binary strings; listpack, multi-node and plain-node lists; intset and hashtable sets; listpack
 * and skiplist sorted sets with infinite scores; listpack and hashtable hashes; streams with groups
 * and pending entries. Keys carry binary bytes (except streams, which the test reads through Jedis'
 * text API), and about a third get an absolute expiry a few hours ahead.
 */
final class TypedDataset {
    /** One key as written; {@code expireAtMs} is the exact PEXPIREAT argument, or -1. */
    record Written(int db, byte[] key, long expireAtMs) {
    }

    private static final int KINDS = 16;

    private final Random random;
    private int serial;

    TypedDataset(long seed) {
        this.random = new Random(seed);
    }

    /** Writes {@code rounds} keys of each kind into {@code db}; leaves the connection in that db. */
    List<Written> write(Jedis jedis, int db, int rounds) {
        jedis.select(db);
        List<Written> written = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (int kind = 0; kind < KINDS; kind++) {
                byte[] key = kind == KINDS - 1 ? ascii("stream:" + db + ":" + (serial++)) : key("k" + kind);
                writeKind(jedis, kind, key);
                long expireAt = -1;
                if (random.nextInt(3) == 0) {
                    expireAt = System.currentTimeMillis() + 3_600_000L + random.nextInt(86_400_000);
                    jedis.pexpireAt(key, expireAt);
                }
                written.add(new Written(db, key, expireAt));
            }
        }
        return written;
    }

    private void writeKind(Jedis jedis, int kind, byte[] key) {
        switch (kind) {
            case 0 -> jedis.set(key, ascii(Long.toString(random.nextLong() >> random.nextInt(63))));
            case 1 -> jedis.set(key, element());
            case 2 -> jedis.set(key, ascii("compressible ".repeat(20 + random.nextInt(200))));
            case 3 -> jedis.set(key, bytes(5000 + random.nextInt(5000)));
            case 4 -> jedis.rpush(key, elements(1 + random.nextInt(20)));
            case 5 -> jedis.rpush(key, elements(2000 + random.nextInt(1000)));
            case 6 -> jedis.rpush(key, element(), bytes(10_000), element()); // a PLAIN quicklist node
            case 7 -> jedis.sadd(key, integers(1 + random.nextInt(50)));
            case 8 -> jedis.sadd(key, elements(1 + random.nextInt(50)));
            case 9 -> jedis.sadd(key, integers(600 + random.nextInt(200))); // past set-max-intset-entries
            case 10 -> jedis.zadd(key, scores(1 + random.nextInt(30)));
            case 11 -> jedis.zadd(key, scores(200 + random.nextInt(200)));
            case 12 -> jedis.hset(key, fields(1 + random.nextInt(30), 20));
            case 13 -> jedis.hset(key, fields(200 + random.nextInt(200), 20));
            case 14 -> jedis.hset(key, fields(3, 100)); // a value past hash-max-listpack-value
            default -> writeStream(jedis, new String(key, StandardCharsets.US_ASCII));
        }
    }

    private void writeStream(Jedis jedis, String key) {
        int entries = 5 + random.nextInt(50);
        for (int e = 0; e < entries; e++) {
            Map<String, String> fields = new HashMap<>();
            for (int f = 0; f <= random.nextInt(3); f++) {
                fields.put("f" + random.nextInt(5), "v" + random.nextInt(1000));
            }
            jedis.xadd(key, StreamEntryID.NEW_ENTRY, fields);
        }
        jedis.xgroupCreate(key, "g1", new StreamEntryID(0, 0), false);
        jedis.xreadGroup("g1", "alice", XReadGroupParams.xReadGroupParams().count(1 + random.nextInt(4)),
                Map.of(key, StreamEntryID.UNRECEIVED_ENTRY));
        jedis.xreadGroup("g1", "bob", XReadGroupParams.xReadGroupParams().count(1 + random.nextInt(4)),
                Map.of(key, StreamEntryID.UNRECEIVED_ENTRY));
        jedis.xgroupCreate(key, "g2", StreamEntryID.LAST_ENTRY, false);
        jedis.xdel(key, jedis.xrange(key, (StreamEntryID) null, (StreamEntryID) null, 1).get(0).getID());
    }

    private byte[] key(String prefix) {
        byte[] head = ascii(prefix + ":" + (serial++) + ":");
        byte[] tail = bytes(random.nextInt(8));
        byte[] key = new byte[head.length + tail.length];
        System.arraycopy(head, 0, key, 0, head.length);
        System.arraycopy(tail, 0, key, head.length, tail.length);
        return key;
    }

    private byte[][] elements(int n) {
        byte[][] e = new byte[n][];
        for (int i = 0; i < n; i++) {
            e[i] = element();
        }
        return e;
    }

    private byte[][] integers(int n) {
        byte[][] e = new byte[n][];
        for (int i = 0; i < n; i++) {
            e[i] = ascii(Long.toString(random.nextLong() >> random.nextInt(60)));
        }
        return e;
    }

    private Map<byte[], Double> scores(int n) {
        Map<byte[], Double> m = new HashMap<>();
        for (int i = 0; i < n; i++) {
            double score = switch (random.nextInt(6)) {
                case 0 -> Double.POSITIVE_INFINITY;
                case 1 -> Double.NEGATIVE_INFINITY;
                default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(20) - 5);
            };
            m.put(element(), score);
        }
        return m;
    }

    private Map<byte[], byte[]> fields(int n, int valueBytes) {
        Map<byte[], byte[]> m = new HashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(element(), bytes(random.nextInt(valueBytes)));
        }
        return m;
    }

    private byte[] element() {
        if (random.nextInt(5) == 0) {
            return ascii(Integer.toString(random.nextInt(1 << 20) - (1 << 19)));
        }
        return bytes(1 + random.nextInt(30));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
