package io.slotferry.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReceiveMarksTest {

    @Test
    void aCommandTakesTheTimeOfTheReadThatCompletedIt() {
        ReceiveMarks marks = new ReceiveMarks();
        marks.record(100, 1_000);
        marks.record(250, 1_005);
        marks.record(400, 1_009);
        assertEquals(1_000, marks.receivedAt(40));
        assertEquals(1_000, marks.receivedAt(100));
        assertEquals(1_005, marks.receivedAt(180)); // completed by the second read
        assertEquals(1_009, marks.receivedAt(400));
        assertEquals(-1, marks.receivedAt(401), "nothing recorded covers bytes not yet committed");
    }

    @Test
    void theOldestWaitingCommandTakesTheFirstMarkPastTheDeliveredOffset() {
        ReceiveMarks marks = new ReceiveMarks();
        marks.record(100, 1_000);
        marks.record(250, 1_005);
        assertEquals(1_000, marks.firstAfter(40));
        assertEquals(1_005, marks.firstAfter(100), "the command after 100 was completed by the second read");
        assertEquals(-1, marks.firstAfter(250), "nothing waits past the last mark");
        assertEquals(1_000, marks.receivedAt(100), "firstAfter frees nothing");
    }

    @Test
    void readsWithinOneMillisecondShareOneMark() {
        ReceiveMarks marks = new ReceiveMarks();
        for (int i = 1; i <= 1000; i++) {
            marks.record(i * 10L, 5_000 + i / 100); // ten milliseconds of 100 reads each
        }
        assertEquals(11, marks.size());
        assertEquals(5_000, marks.receivedAt(990));
        assertEquals(5_001, marks.receivedAt(1_000));
    }

    @Test
    void marksBelowTheDeliveredCommandAreFreed() {
        ReceiveMarks marks = new ReceiveMarks();
        for (int i = 1; i <= 10_000; i++) {
            marks.record(i, i); // one per ms: the ring grows
        }
        assertEquals(10_000, marks.size());
        assertEquals(9_000, marks.receivedAt(9_000));
        assertEquals(1_001, marks.size());
        marks.record(10_001, 10_001);
        assertEquals(10_001, marks.receivedAt(10_001));
        assertEquals(1, marks.size());
    }

    @Test
    void aClockSteppedBackNeverMakesALaterCommandEarlier() {
        ReceiveMarks marks = new ReceiveMarks();
        marks.record(10, 2_000);
        marks.record(20, 1_500);
        assertEquals(2_000, marks.receivedAt(20));
    }

    @Test
    void anOffsetGoingBackwardsIsABug() {
        ReceiveMarks marks = new ReceiveMarks();
        marks.record(10, 1);
        assertThrows(IllegalArgumentException.class, () -> marks.record(5, 2));
    }

    @Test
    void atTheCapMarksMergeTowardsEarlierTimesAndStillCoverEveryCommand() {
        ReceiveMarks marks = new ReceiveMarks(8);
        for (int i = 1; i <= 100; i++) {
            marks.record(i * 10L, 1_000 + i); // the read completing offset i*10 returned at 1000+i
        }
        assertTrue(marks.size() <= 8, "held " + marks.size());
        long previous = Long.MIN_VALUE;
        for (int i = 1; i <= 100; i++) {
            long at = marks.receivedAt(i * 10L);
            assertTrue(at >= 0, "offset " + i * 10 + " is covered");
            assertTrue(at <= 1_000 + i, "never later than the real receive time: " + at + " for " + (1_000 + i));
            assertTrue(at >= previous, "non-decreasing");
            previous = at;
        }
        assertEquals(1_100, marks.receivedAt(1_000), "the newest mark is never merged away before it is needed");
    }
}
