package io.slotferry.replication.scan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyPacerTest {
    @Test
    void theFirstBatchGoesAtOnceAndTheNextWaitsForItsBudget() throws Exception {
        KeyPacer pacer = new KeyPacer(1000);
        long start = System.nanoTime();
        pacer.acquire(200);
        long first = (System.nanoTime() - start) / 1_000_000;
        pacer.acquire(1);
        long second = (System.nanoTime() - start) / 1_000_000;
        assertTrue(first < 150, "first batch waited " + first + " ms");
        assertTrue(second >= 190, "200 keys at 1000/s take 200 ms, waited " + second + " ms");
    }

    @Test
    void zeroMeansNoLimit() throws Exception {
        KeyPacer pacer = new KeyPacer(0);
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            pacer.acquire(1_000_000);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 150, "unlimited pacing waited " + ms + " ms");
    }
}
