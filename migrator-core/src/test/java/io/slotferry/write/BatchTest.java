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
            batch.put(command);
            byte[] one = new byte[Math.toIntExact(RespWriter.encodedLength(command))];
            RespWriter.encode(command, one, 0);
            expected.writeBytes(one);
        }
        return expected.toByteArray();
    }

    @Test
    void aBatchStartsSmallAndGrowsToWhatItHolds() {
        Random random = new Random(15);
        Batch batch = new Batch();
        assertEquals(Batch.INITIAL, batch.capacity());
        byte[] expected = fill(batch, random, 700 << 10, 300);
        assertArrayEquals(expected, Arrays.copyOf(batch.buffer(), batch.size()), "the commands as encoded, in order");
        assertTrue(batch.capacity() >= batch.size() && batch.capacity() <= 2 * batch.size(), "grown by doubling: " + batch.capacity());
    }

    /** Sends {@code count} more batches of {@code bytes} each; the capacity after each is checked by {@code check}. */
    private static void send(Batch batch, Random random, int count, int bytes, Runnable check) {
        for (int i = 0; i < count; i++) {
            batch.clear();
            fill(batch, random, bytes, 250);
            check.run();
        }
    }

    @Test
    void aBufferMuchBiggerThanTheRecentBatchesShrinksBackToTwiceTheLargest() {
        Random random = new Random(16);
        Batch batch = new Batch();
        fill(batch, random, 1 << 20, 500);
        int grown = batch.capacity();
        send(batch, random, 64, 100 << 10, () -> { });
        assertEquals(grown, batch.capacity(), "the full batch was one of the last 64: the buffer is kept");
        send(batch, random, 64, 100 << 10, () -> { });
        batch.clear();
        assertTrue(batch.capacity() < grown / 2 && batch.capacity() >= 100 << 10, "shrunk to fit 100 KiB batches: " + batch.capacity());
    }

    @Test
    void batchesOfTheSameSizeKeepTheirBuffer() {
        Random random = new Random(17);
        Batch batch = new Batch();
        fill(batch, random, 300 << 10, 250);
        int grown = batch.capacity();
        send(batch, random, 500, 300 << 10,
                () -> assertEquals(grown, batch.capacity(), "no shrinking and growing again for steady batches"));
    }

    @Test
    void aBigValuesBufferIsReleasedOnceItsBatchIsSent() {
        Random random = new Random(18);
        Batch batch = new Batch();
        byte[] expected = fill(batch, random, 1, 6 << 20);
        assertArrayEquals(expected, Arrays.copyOf(batch.buffer(), batch.size()));
        batch.clear();
        assertEquals(Batch.INITIAL, batch.capacity());
    }
}
