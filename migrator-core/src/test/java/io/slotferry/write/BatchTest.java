package io.slotferry.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.resp.RespWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchTest {
    private static final byte[] SET = "SET".getBytes(StandardCharsets.US_ASCII);

    private static List<byte[]> set(Random random, int valueBytes) {
        byte[] key = ("k" + random.nextInt(1_000_000)).getBytes(StandardCharsets.US_ASCII);
        byte[] value = new byte[valueBytes];
        random.nextBytes(value);
        return List.of(SET, key, value);
    }

    /** Fills the batch with {@code bytes} of SETs of {@code valueBytes} each; returns what it should hold. */
    private static byte[] fill(Batch batch, Random random, int bytes, int valueBytes) {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        while (batch.size() < bytes) {
            List<byte[]> command = set(random, valueBytes);
            long length = RespWriter.encodedLength(command);
            batch.reserve(length);
            batch.encode(command);
            byte[] one = new byte[Math.toIntExact(length)];
            RespWriter.encode(command, one, 0);
            expected.writeBytes(one);
        }
        return expected.toByteArray();
    }

    @Test
    void aBatchStartsAtASixteenthOfTheInFlightBudgetBetween64KiBAnd1MiB() {
        assertEquals(1 << 20, Batch.initialFor(16L << 20), "the default budget: 1 MiB");
        assertEquals(88 << 10, Batch.initialFor(1408L << 10), "16 sources in the launcher's heap");
        assertEquals(Batch.SMALLEST_INITIAL, Batch.initialFor(64 << 10));
        assertEquals(Batch.LARGEST_INITIAL, Batch.initialFor(1L << 30));
        assertEquals(Batch.SMALLEST_INITIAL, new Batch().capacity());
    }

    @Test
    void aBatchGrowsToWhatItHoldsAndKeepsIt() {
        Random random = new Random(15);
        Batch batch = new Batch(Batch.initialFor(1408L << 10));
        byte[] expected = fill(batch, random, 700 << 10, 300);
        assertArrayEquals(expected, Arrays.copyOf(batch.buffer(), batch.size()), "the commands as encoded, in order");
        int grown = batch.capacity();
        assertTrue(grown >= batch.size() && grown <= 2 * batch.size(), "grown by doubling: " + grown);
        for (int i = 0; i < 200; i++) {
            batch.clear();
            fill(batch, random, 1 + random.nextInt(700 << 10), 300);
            assertEquals(grown, batch.capacity(), "batches up to the largest so far keep the buffer");
        }
    }

    @Test
    void aBigValuesBufferIsReleasedOnceItsBatchIsSent() {
        Random random = new Random(18);
        Batch batch = new Batch(Batch.initialFor(16L << 20));
        byte[] expected = fill(batch, random, 1, 6 << 20);
        assertArrayEquals(expected, Arrays.copyOf(batch.buffer(), batch.size()));
        batch.clear();
        assertEquals(Batch.LARGEST_INITIAL, batch.capacity());
    }
}
