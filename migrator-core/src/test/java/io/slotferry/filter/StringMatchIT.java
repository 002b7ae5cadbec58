package io.slotferry.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * The glob of {@code --include}/{@code --exclude} against its reference, the server: for seeded random keys and
 * patterns over a small alphabet rich in the glob's special bytes ({@code * ? [ ] ^ - \}, a byte above 0x7f), the
 * keys {@link StringMatch} selects are exactly those {@code KEYS pattern} returns.
 */
@ExtendWith(RealServers.class)
class StringMatchIT {
    private static final byte[] KEY_BYTES = {'a', 'b', 'c', ':', '-', '*', '?', '[', ']', '\\', '^', (byte) 0xe9};
    private static final byte[] PATTERN_BYTES = {'a', 'b', 'c', ':', '-', '*', '*', '?', '[', ']', '\\', '^', (byte) 0xe9};

    private static byte[] random(Random r, byte[] alphabet, int maxLength) {
        byte[] b = new byte[r.nextInt(maxLength + 1)];
        for (int i = 0; i < b.length; i++) {
            b[i] = alphabet[r.nextInt(alphabet.length)];
        }
        return b;
    }

    @Test
    void selectsExactlyTheKeysThatKeysSelectsOnTheServer(StandaloneRedis redis) {
        long seed = Long.getLong("slotferry.seed", 18L);
        Random r = new Random(seed);
        redis.flushAll();
        try (Jedis j = redis.jedis()) {
            Set<ByteBuffer> keys = new HashSet<>();
            for (int i = 0; i < 600; i++) {
                byte[] k = random(r, KEY_BYTES, 7);
                if (k.length > 0 && keys.add(ByteBuffer.wrap(k))) {
                    j.set(k, new byte[] {'1'});
                }
            }
            int compared = 0;
            for (int p = 0; p < 1500; p++) {
                byte[] pattern = random(r, PATTERN_BYTES, 6);
                if (pattern.length == 0) {
                    continue;
                }
                Set<ByteBuffer> server = new HashSet<>();
                for (byte[] k : j.keys(pattern)) {
                    server.add(ByteBuffer.wrap(k));
                }
                Set<ByteBuffer> ours = new HashSet<>();
                for (ByteBuffer k : keys) {
                    if (StringMatch.matches(pattern, k.array())) {
                        ours.add(k);
                    }
                }
                assertEquals(printable(server), printable(ours), "seed " + seed + ", pattern " + printable(Set.of(ByteBuffer.wrap(pattern))));
                compared++;
            }
            assertEquals(true, compared > 1000, "patterns compared: " + compared);
        } finally {
            redis.flushAll();
        }
    }

    private static List<String> printable(Set<ByteBuffer> keys) {
        List<String> out = new ArrayList<>();
        for (ByteBuffer k : keys) {
            out.add(io.slotferry.resp.KeyText.printable(k.array()));
        }
        out.sort(null);
        return out;
    }
}
