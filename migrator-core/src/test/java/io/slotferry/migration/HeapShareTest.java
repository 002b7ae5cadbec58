package io.slotferry.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HeapShareTest {
    private static final long MIB = 1L << 20;

    @Test
    void oneSourceOnTheLaunchersHeapKeepsTheDefaultBudget() {
        HeapShare s = HeapShare.of(192 * MIB, 1, 16 * MIB);
        assertEquals(16 * MIB, s.inFlightBytes());
        assertFalse(s.lowered());
        assertFalse(s.tooSmall());
    }

    @Test
    void sixteenSourcesShareTheHeapAtTwoAndAHalfTimesTheirBudgetPlusTheirBuffersEach() {
        HeapShare s = HeapShare.of(448 * MIB, 16, 16 * MIB);
        assertEquals((14 * MIB - HeapShare.PER_WORKER) * 2 / 5, s.inFlightBytes());
        assertTrue(s.lowered());
        assertFalse(s.tooSmall());
    }

    @Test
    void sixteenSourcesFitTheLaunchersHeapAboveTheFloor() {
        HeapShare s = HeapShare.of(184 * MIB, 16, 16 * MIB);
        assertTrue(s.lowered());
        assertTrue(s.inFlightBytes() > HeapShare.FLOOR, "in flight: " + s.inFlightBytes());
        assertFalse(s.tooSmall());
        assertTrue(HeapShare.of(184 * MIB, 17, 16 * MIB).tooSmall(), "17 workers at the floor fill more than half of it");
    }

    @Test
    void aBudgetNeverFallsBelowTheFloorAndSaysWhenTheHeapIsTooSmall() {
        HeapShare s = HeapShare.of(184 * MIB, 24, 16 * MIB);
        assertEquals(HeapShare.FLOOR, s.inFlightBytes());
        assertTrue(s.tooSmall());
        assertEquals(24 * (HeapShare.FLOOR * 5 / 2 + HeapShare.PER_WORKER) * 2, s.recommendedHeap());
        assertFalse(HeapShare.of(s.recommendedHeap(), 24, 16 * MIB).tooSmall());
    }

    @Test
    void anyShareFitsTheWorkersPartOfTheHeapUnlessItIsAtTheFloorAndNeverExceedsTheRequest() {
        Random r = new Random(20261207);
        for (int i = 0; i < 10_000; i++) {
            long heap = (32 + r.nextInt(8192)) * MIB;
            int workers = 1 + r.nextInt(256);
            long requested = (1 + r.nextInt(64)) * MIB + r.nextInt(1 << 20);
            HeapShare s = HeapShare.of(heap, workers, requested);
            assertTrue(s.inFlightBytes() <= requested, "never more than asked");
            assertTrue(s.inFlightBytes() >= Math.min(requested, HeapShare.FLOOR), "never below the floor");
            if (s.inFlightBytes() > HeapShare.FLOOR) {
                assertTrue(workers * (s.inFlightBytes() * 5 / 2 + HeapShare.PER_WORKER) <= heap / 2,
                        "the workers' writes, windows and buffers fit half the heap");
            }
        }
    }
}
