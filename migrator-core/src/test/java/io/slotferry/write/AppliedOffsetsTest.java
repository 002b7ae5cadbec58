package io.slotferry.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class AppliedOffsetsTest {

    @Test
    void aWriterWithoutAReplayerGivesTheOffsetUpToWhichEveryWriteIsSettled() {
        AppliedOffsets offsets = new AppliedOffsets();
        assertEquals(-1, offsets.applied());
        AppliedOffsets.Mark a = offsets.register(10);
        AppliedOffsets.Mark b = offsets.register(20);
        AppliedOffsets.Mark b2 = offsets.register(20);
        offsets.settle(b);
        assertEquals(-1, offsets.applied(), "10 is not settled yet");
        offsets.settle(a);
        assertEquals(10, offsets.applied(), "one of the two writes of 20 is still out");
        offsets.settle(b2);
        assertEquals(20, offsets.applied());
        assertEquals(20, offsets.settled());
    }

    @Test
    void writeOffsetsGoingBackwardsAreABug() {
        AppliedOffsets offsets = new AppliedOffsets();
        offsets.register(20);
        assertThrows(IllegalArgumentException.class, () -> offsets.register(10));
    }

    @Test
    void theStartOffsetHoldsUntilTheFirstWriteSettles() {
        AppliedOffsets offsets = new AppliedOffsets();
        offsets.startAt(500);
        assertEquals(500, offsets.applied(), "not -1, which would make the next run ask for a full sync");
        offsets.applying(500);
        AppliedOffsets.Mark m = offsets.register(540);
        offsets.handled(540);
        assertEquals(500, offsets.applied());
        offsets.settle(m);
        assertEquals(540, offsets.applied());
    }

    @Test
    void aCommandWhoseWritesAreOnlyPartlySubmittedHoldsTheOffsetBelowItsStart() {
        AppliedOffsets offsets = new AppliedOffsets();
        offsets.startAt(100);
        offsets.applying(100); // a transaction's EXEC ending at 300 writes two slots
        offsets.settle(offsets.register(300));
        assertEquals(100, offsets.applied(), "the second slot's write is not even submitted");
        offsets.settle(offsets.register(300));
        assertEquals(100, offsets.applied(), "still inside apply()");
        offsets.handled(300);
        assertEquals(300, offsets.applied());
    }

    @Test
    void aWriteHeldBackByTheReplayerKeepsTheOffsetBelowItsCommandUntilItIsRegisteredAndSettled() {
        AppliedOffsets offsets = new AppliedOffsets();
        offsets.startAt(100);
        offsets.applying(100); // command 100..200: its write is queued, not submitted
        offsets.holding();
        offsets.handled(200);
        offsets.applying(200); // command 200..300: queued too
        offsets.holding();
        offsets.handled(300);
        assertEquals(100, offsets.applied(), "both writes are held back: nothing submitted, yet nothing may be claimed");
        AppliedOffsets.Mark first = offsets.register(200); // the window goes: both units carry its first write's offset
        AppliedOffsets.Mark second = offsets.register(200);
        offsets.released();
        offsets.settle(second);
        assertEquals(100, offsets.applied(), "one unit of the window is still unsettled");
        offsets.settle(first);
        assertEquals(300, offsets.applied());
    }

    @Test
    void commandsWithoutWritesCountOnceEveryEarlierWriteIsSettled() {
        AppliedOffsets offsets = new AppliedOffsets();
        offsets.startAt(0);
        command(offsets, 0, 10, true);
        AppliedOffsets.Mark first = lastMark;
        command(offsets, 10, 20, false); // a PING
        assertEquals(0, offsets.applied());
        offsets.settle(first);
        assertEquals(20, offsets.applied());
        command(offsets, 20, 30, true); // a write at 30 submitted, not settled
        assertEquals(20, offsets.applied(), "never back below what it reported: the PING at 20 stays applied");
        offsets.settle(lastMark);
        assertEquals(30, offsets.applied());
    }

    private AppliedOffsets.Mark lastMark;

    private void command(AppliedOffsets offsets, long start, long end, boolean write) {
        offsets.applying(start);
        if (write) {
            lastMark = offsets.register(end);
        }
        offsets.handled(end);
    }

    /**
     * Generated streams (seeded): plain commands with 0-3 writes (some skipped as already on the target),
     * and MULTI blocks whose writes go at EXEC; the replayer advances one step at a time while writes
     * settle in random order. After every event the applied offset is checked against a reference model
     * that knows each command: it never claims a command not applied and settled, never steps back, and
     * equals the model whenever nothing is in flight.
     */
    @Test
    void generatedSubmitAndSettleSequencesAgreeWithAReferenceModel() {
        for (long seed = 1; seed <= 300; seed++) {
            new Run(seed).play(1_500);
        }
    }

    @Test
    void writesSettledByThreeReplyThreadsWhileMoreAreRegisteredNeverLetTheSettledOffsetPassAnUnsettledOne() throws Exception {
        int n = 200_000;
        long[] offset = new long[n];
        Random random = new Random(20261207);
        for (int i = 0, at = 0; i < n; i++) {
            at += random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(3); // a quarter share the offset of the write before
            offset[i] = at;
        }
        AppliedOffsets offsets = new AppliedOffsets();
        AtomicIntegerArray settleCalled = new AtomicIntegerArray(n);
        AppliedOffsets.Mark[] marks = new AppliedOffsets.Mark[n];
        List<BlockingQueue<Integer>> queues = new ArrayList<>();
        List<Thread> settlers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            BlockingQueue<Integer> q = new LinkedBlockingQueue<>();
            queues.add(q);
            settlers.add(new Thread(() -> {
                try {
                    for (int i; (i = q.take()) >= 0; ) {
                        settleCalled.set(i, 1);
                        offsets.settle(marks[i]);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        AtomicInteger registered = new AtomicInteger();
        Thread worker = new Thread(() -> {
            Random pick = new Random(7);
            for (int i = 0; i < n; i++) {
                marks[i] = offsets.register(offset[i]);
                registered.set(i + 1);
                queues.get(pick.nextInt(3)).add(i);
            }
            queues.forEach(q -> q.add(-1));
        });
        settlers.forEach(Thread::start);
        worker.start();
        int checked = 0;
        while (worker.isAlive() || settlers.stream().anyMatch(Thread::isAlive)) {
            int r = registered.get(); // read first: writes registered later may share the offset read next
            long settled = offsets.settled();
            for (; checked < r && offset[checked] <= settled; checked++) {
                assertEquals(1, settleCalled.get(checked), "the settled offset " + settled + " passed write " + checked
                        + " (offset " + offset[checked] + ")");
            }
        }
        worker.join();
        for (Thread t : settlers) {
            t.join();
        }
        assertEquals(offset[n - 1], offsets.settled(), "every write settled");
        assertEquals(offset[n - 1], offsets.applied());
    }

    /** One unit of the reference model: a command, or a MULTI block up to its EXEC. */
    private static final class Unit {
        final long start;
        final long end;
        boolean done;
        int unsettled;

        Unit(long start, long end) {
            this.start = start;
            this.end = end;
        }
    }

    private record Pending(AppliedOffsets.Mark mark, Unit unit) {
    }

    private static final class Run {
        private final long seed;
        private final Random random;
        private final AppliedOffsets offsets = new AppliedOffsets();
        private final long startedAt;
        private final List<Unit> units = new ArrayList<>();
        private final List<Pending> unsettled = new ArrayList<>();
        /** The replayer's steps not yet run: each is a small program over the current unit. */
        private final List<Runnable> script = new ArrayList<>();
        private long position;
        private boolean lastSubmitRegistered = true;
        private long reported = -1;

        Run(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            this.startedAt = random.nextInt(1_000);
            this.position = startedAt;
            offsets.startAt(startedAt);
        }

        void play(int events) {
            for (int i = 0; i < events; i++) {
                if (!unsettled.isEmpty() && (script.isEmpty() && random.nextInt(3) == 0 || random.nextInt(3) == 0)) {
                    Pending p = unsettled.remove(random.nextInt(unsettled.size()));
                    offsets.settle(p.mark());
                    p.unit().unsettled--;
                } else {
                    if (script.isEmpty()) {
                        plan();
                    }
                    script.remove(0).run();
                }
                check(i);
            }
        }

        /** Appends the replayer's steps for the next unit. */
        private void plan() {
            if (random.nextInt(6) == 0) {
                multiBlock();
            } else {
                long start = position;
                long end = start + 1 + random.nextInt(60);
                position = end;
                Unit u = new Unit(start, end);
                units.add(u);
                script.add(() -> offsets.applying(start));
                writes(u, end, random.nextInt(4));
                script.add(() -> {
                    offsets.handled(end);
                    u.done = true;
                });
            }
        }

        private void multiBlock() {
            long multiStart = position;
            int inner = random.nextInt(5);
            long[] bounds = new long[inner + 3];
            bounds[0] = multiStart;
            for (int i = 1; i < bounds.length; i++) {
                bounds[i] = bounds[i - 1] + 1 + random.nextInt(40);
            }
            long execStart = bounds[bounds.length - 2];
            long execEnd = bounds[bounds.length - 1];
            position = execEnd;
            Unit u = new Unit(multiStart, execEnd);
            units.add(u);
            // every command of the block, its EXEC too, is applied below the MULTI: a run resumed inside the
            // block would meet its EXEC without its MULTI
            for (int i = 0; i < bounds.length - 2; i++) { // MULTI and the held commands: no writes, no handled offset
                script.add(() -> offsets.applying(multiStart));
                script.add(offsets::applyDone);
            }
            script.add(() -> offsets.applying(multiStart));
            writes(u, execEnd, 1 + random.nextInt(4)); // one per slot, all at the EXEC's end
            script.add(() -> {
                offsets.handled(execEnd);
                u.done = true;
            });
        }

        /** Submit steps for {@code n} writes at {@code offset}; one in 20 is found already applied and skipped. */
        private void writes(Unit u, long offset, int n) {
            for (int w = 0; w < n; w++) {
                boolean skipped = random.nextInt(20) == 0;
                script.add(() -> {
                    if (skipped) {
                        offsets.skipped(offset);
                    } else {
                        unsettled.add(new Pending(offsets.register(offset), u));
                        u.unsettled++;
                    }
                    lastSubmitRegistered = !skipped;
                });
            }
        }

        /** The model's applied offset: the end of the longest prefix of units applied with every write settled. */
        private long truth() {
            long truth = startedAt;
            for (Unit u : units) {
                if (!u.done || u.unsettled > 0) {
                    break;
                }
                truth = u.end;
            }
            return truth;
        }

        private void check(int event) {
            long applied = offsets.applied();
            long truth = truth();
            String where = "seed " + seed + ", event " + event;
            assertTrue(applied <= truth, where + ": claims " + applied + " but the target holds only up to " + truth);
            assertTrue(applied >= reported, where + ": stepped back from " + reported + " to " + applied);
            reported = applied;
            if (script.isEmpty() && unsettled.isEmpty() && lastSubmitRegistered) {
                assertEquals(truth, applied, where + ": nothing in flight");
            }
        }
    }
}
