package io.slotferry.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc64Test {
    @Test
    void matchesRedisCheckValue() {
        // Redis' crc64.c test vector for "123456789".
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.of("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void incrementalUpdatesEqualOneShot() {
        byte[] data = new byte[100_003];
        new Random(7).nextBytes(data);
        Crc64 c = new Crc64();
        int at = 0;
        for (int step : new int[] {1, 7, 8, 9, 1000, 65536}) {
            c.update(data, at, step);
            at += step;
        }
        c.update(data, at, data.length - at);
        assertEquals(Crc64.of(data), c.value());
    }
}
