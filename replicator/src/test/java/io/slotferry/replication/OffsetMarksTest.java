package io.slotferry.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OffsetMarksTest {

    /** Reads completing offsets 100, 250 and 400 that returned at 1000, 1005 and 1009 ms. */
    private static OffsetMarks threeReads() {
        OffsetMarks marks = OffsetMarks.times();
        marks.record(100, 1_000);
        marks.record(250, 1_005);
        marks.record(400, 1_009);
        return marks;
    }

    @Test
    void aCommandTakesTheTimeOfTheReadThatCompletedIt() {
        OffsetMarks marks = threeReads();
        assertEquals(1_000, marks.at(40));
        assertEquals(1_000, marks.at(100));
        assertEquals(1_005, marks.at(180)); // completed by the second read
        assertEquals(1_009, marks.at(400));
        assertEquals(-1, marks.at(401), "nothing recorded covers bytes not yet committed");
    }

    @Test
    void theOldestWaitingCommandTakesTheFirstMarkPastTheDeliveredOffset() {
        OffsetMarks marks = OffsetMarks.times();
        marks.record(100, 1_000);
        marks.record(250, 1_005);
        assertEquals(1_000, marks.firstAfter(40));
        assertEquals(1_005, marks.firstAfter(100), "the command after 100 was completed by the second read");
        assertEquals(-1, marks.firstAfter(250), "nothing waits past the last mark");
        assertEquals(1_000, marks.at(100), "firstAfter frees nothing");
    }

    @Test
    void readsWithinOneMillisecondShareOneMark() {
        OffsetMarks marks = OffsetMarks.times();
        for (int i = 1; i <= 1000; i++) {
            marks.record(i * 10L, 5_000 + i / 100); // ten milliseconds of 100 reads each
        }
        assertEquals(11, marks.size());
        assertEquals(5_000, marks.at(990));
        assertEquals(5_001, marks.at(1_000));
    }

    @Test
    void marksBelowTheDeliveredCommandAreFreed() {
        OffsetMarks marks = OffsetMarks.times();
        for (int i = 1; i <= 10_000; i++) {
            marks.record(i, i); // one per ms: the ring grows
        }
        assertEquals(10_000, marks.size());
        assertEquals(9_000, marks.at(9_000));
        assertEquals(1_001, marks.size());
        marks.record(10_001, 10_001);
        assertEquals(10_001, marks.at(10_001));
        assertEquals(1, marks.size());
    }

    @Test
    void aClockSteppedBackNeverMakesALaterCommandEarlier() {
        OffsetMarks marks = OffsetMarks.times();
        marks.record(10, 2_000);
        marks.record(20, 1_500);
        assertEquals(2_000, marks.at(20));
    }

    @Test
    void anOffsetGoingBackwardsIsABug() {
        OffsetMarks marks = OffsetMarks.times();
        marks.record(10, 1);
        assertThrows(IllegalArgumentException.class, () -> marks.record(5, 2));
    }

    @Test
    void atTheCapMarksMergeTowardsEarlierTimesAndStillCoverEveryCommand() {
        OffsetMarks marks = new OffsetMarks(OffsetMarks.Merge.EARLIER, 8);
        for (int i = 1; i <= 100; i++) {
            marks.record(i * 10L, 1_000 + i); // the read completing offset i*10 returned at 1000+i
        }
        assertTrue(marks.size() <= 8, "held " + marks.size());
        long previous = Long.MIN_VALUE;
        for (int i = 1; i <= 100; i++) {
            long at = marks.at(i * 10L);
            assertTrue(at >= 0, "offset " + i * 10 + " is covered");
            assertTrue(at <= 1_000 + i, "never later than the real receive time: " + at + " for " + (1_000 + i));
            assertTrue(at >= previous, "non-decreasing");
            previous = at;
        }
        assertEquals(1_100, marks.at(1_000), "the newest mark is never merged away before it is needed");
    }

    @Test
    void releasedMarksAreGoneAndTheFirstMarkPastTheReleaseTellsTheOldestWaitingTime() {
        OffsetMarks marks = threeReads();
        marks.release(250);
        assertEquals(1, marks.size());
        assertEquals(1_009, marks.firstAfter(250));
        marks.release(400);
        assertEquals(-1, marks.firstAfter(250), "nothing waits once every mark is released");
    }

    @Test
    void databaseMarksKeepEveryChangeAndNameTheDatabaseOfEachCommand() {
        OffsetMarks dbs = OffsetMarks.databases();
        dbs.record(10, 0); // the stream starts at 10 in db 0
        dbs.record(30, 0);
        dbs.record(50, 3);
        dbs.record(70, 0);
        dbs.record(90, 0);
        assertEquals(3, dbs.size(), "only a change starts a mark");
        assertEquals(0, dbs.at(10));
        assertEquals(0, dbs.at(30));
        assertEquals(3, dbs.at(50));
        assertEquals(0, dbs.at(51));
        assertEquals(0, dbs.at(90));
    }

    @Test
    void aDatabaseSeriesAtItsCapRefusesRatherThanMergeTwoDatabases() {
        OffsetMarks dbs = new OffsetMarks(OffsetMarks.Merge.EXACT, 4);
        for (int i = 0; i < 4; i++) {
            assertTrue(dbs.record(i * 10L, i % 2));
        }
        assertEquals(false, dbs.record(40, 0), "a fifth change does not fit");
        assertTrue(dbs.record(40, 1), "the same database extends the last mark");
        assertEquals(0, dbs.at(15), "a command ending at 15 is covered by the mark at 20");
        assertTrue(dbs.record(50, 0), "marks below the asked offset were freed");
        assertEquals(0, dbs.at(50));
    }

    @Test
    void generatedTimesNeverReadLaterThanTheRealReceiveTimeAndStayWithinTheCap() {
        java.util.Random random = new java.util.Random(19);
        for (int run = 0; run < 50; run++) {
            int cap = 2 + random.nextInt(30);
            OffsetMarks marks = new OffsetMarks(OffsetMarks.Merge.EARLIER, cap);
            int n = 1 + random.nextInt(500);
            long[] ends = new long[n];
            long[] times = new long[n];
            long offset = 0;
            long time = 1_000;
            for (int i = 0; i < n; i++) {
                offset += 1 + random.nextInt(50);
                time += random.nextInt(3) == 0 ? 0 : random.nextInt(5);
                ends[i] = offset;
                times[i] = time;
                marks.record(offset, time);
                assertTrue(marks.size() <= cap, "held " + marks.size() + " over cap " + cap);
            }
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                long at = marks.at(ends[i]);
                assertTrue(at >= 1_000 && at <= times[i], "run " + run + ": " + at + " for " + times[i]);
                assertTrue(at >= previous, "non-decreasing");
                previous = at;
            }
        }
    }
}
