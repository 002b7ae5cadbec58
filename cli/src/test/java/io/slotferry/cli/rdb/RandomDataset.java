package io.slotferry.cli.rdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

/**
 * Writes a seeded random dataset of every type and encoding into a real server: binary keys and
 * values, integers, long and compressible strings, small (listpack/intset) and large
 * (quicklist/hashtable/skiplist) collections, special scores, streams with groups and pending
 * entries, TTLs, several databases.
 */
final class RandomDataset {
    static final int[] DATABASES = {0, 3, 9};

    private final Random random;
    private int serial;

    RandomDataset(long seed) {
        this.random = new Random(seed);
    }

    /** Writes the dataset; returns the number of keys written. */
    int write(Jedis jedis) {
        int keys = 0;
        for (int db : DATABASES) {
            jedis.select(db);
            Pipeline p = jedis.pipelined();
            int n = db == 0 ? 400 : 60;
            for (int i = 0; i < n; i++) {
                byte[] key = key("k" + db);
                switch (i % 6) {
                    case 0 -> p.set(key, stringValue());
                    case 1 -> {
                        int size = random.nextInt(10) == 0 ? 500 + random.nextInt(3000) : 1 + random.nextInt(20);
                        List<byte[]> elements = new ArrayList<>();
                        for (int e = 0; e < size; e++) {
                            elements.add(element());
                        }
                        p.rpush(key, elements.toArray(new byte[0][]));
                    }
                    case 2 -> {
                        boolean ints = random.nextBoolean();
                        int size = random.nextInt(10) == 0 ? 600 + random.nextInt(1000) : 1 + random.nextInt(30);
                        byte[][] members = new byte[size][];
                        for (int e = 0; e < size; e++) {
                            members[e] = ints ? Long.toString(random.nextLong() >> random.nextInt(60)).getBytes(StandardCharsets.US_ASCII) : element();
                        }
                        p.sadd(key, members);
                    }
                    case 3 -> {
                        int size = random.nextInt(10) == 0 ? 200 + random.nextInt(500) : 1 + random.nextInt(30);
                        Map<byte[], Double> scores = new HashMap<>();
                        for (int e = 0; e < size; e++) {
                            scores.put(element(), score());
                        }
                        p.zadd(key, scores);
                    }
                    case 4 -> {
                        int size = random.nextInt(10) == 0 ? 600 + random.nextInt(1000) : 1 + random.nextInt(30);
                        Map<byte[], byte[]> fields = new HashMap<>();
                        for (int e = 0; e < size; e++) {
                            fields.put(element(), random.nextInt(20) == 0 ? new byte[70 + random.nextInt(200)] : element());
                        }
                        p.hset(key, fields);
                    }
                    default -> {
                        p.sync();
                        writeStream(jedis, new String(key("stream"), StandardCharsets.ISO_8859_1).replaceAll("[^a-z0-9:]", "_"));
                        keys++;
                        p = jedis.pipelined();
                        continue;
                    }
                }
                keys++;
                if (random.nextInt(4) == 0) {
                    p.pexpireAt(key, System.currentTimeMillis() + 86_400_000L + (long) (random.nextDouble() * 315_360_000_000L));
                }
            }
            p.sync();
        }
        jedis.select(0);
        return keys;
    }

    private void writeStream(Jedis jedis, String key) {
        int entries = 1 + random.nextInt(random.nextInt(8) == 0 ? 500 : 20);
        for (int e = 0; e < entries; e++) {
            Map<String, String> fields = new HashMap<>();
            int n = 1 + random.nextInt(3);
            for (int f = 0; f < n; f++) {
                fields.put("f" + random.nextInt(5), "v" + random.nextInt(1000));
            }
            jedis.xadd(key, StreamEntryID.NEW_ENTRY, fields);
        }
        if (random.nextBoolean()) {
            jedis.xgroupCreate(key, "g1", new StreamEntryID(0, 0), false);
            jedis.xreadGroup("g1", "alice", XReadGroupParams.xReadGroupParams().count(1 + random.nextInt(5)),
                    Map.of(key, StreamEntryID.UNRECEIVED_ENTRY));
            jedis.xreadGroup("g1", "bob", XReadGroupParams.xReadGroupParams().count(1 + random.nextInt(5)),
                    Map.of(key, StreamEntryID.UNRECEIVED_ENTRY));
            jedis.xgroupCreate(key, "g2", StreamEntryID.LAST_ENTRY, false);
        }
        if (entries > 3) {
            jedis.xdel(key, jedis.xrange(key, (StreamEntryID) null, (StreamEntryID) null, 1).get(0).getID());
        }
    }

    private byte[] key(String prefix) {
        byte[] tail = new byte[random.nextInt(12)];
        random.nextBytes(tail);
        byte[] head = (prefix + ":" + (serial++) + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] key = new byte[head.length + tail.length];
        System.arraycopy(head, 0, key, 0, head.length);
        System.arraycopy(tail, 0, key, head.length, tail.length);
        return key;
    }

    private byte[] stringValue() {
        return switch (random.nextInt(6)) {
            case 0 -> Long.toString(random.nextLong() >> random.nextInt(63)).getBytes(StandardCharsets.US_ASCII);
            case 1 -> "compressible ".repeat(5 + random.nextInt(400)).getBytes(StandardCharsets.US_ASCII);
            case 2 -> {
                byte[] b = new byte[4097 + random.nextInt(30_000)];
                random.nextBytes(b);
                yield b;
            }
            case 3 -> new byte[0];
            default -> element();
        };
    }

    private byte[] element() {
        if (random.nextInt(5) == 0) {
            return Long.toString(random.nextInt(1 << 20) - (1 << 19)).getBytes(StandardCharsets.US_ASCII);
        }
        byte[] b = new byte[random.nextInt(40)];
        random.nextBytes(b);
        return b;
    }

    private double score() {
        return switch (random.nextInt(8)) {
            case 0 -> Double.POSITIVE_INFINITY;
            case 1 -> Double.NEGATIVE_INFINITY;
            case 2 -> random.nextInt(1000) - 500;
            default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(30) - 10);
        };
    }
}
