package io.slotferry.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.command.CommandTable;
import io.slotferry.split.SlotCommand;
import io.slotferry.write.AppliedOffsets;
import io.slotferry.write.Write;
import io.slotferry.write.WriteSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QueuedWritesTest {
    private static final String REPLID = "0123456789abcdef0123456789abcdef01234567";
    private static final KnownCommands TABLE = new KnownCommands(CommandTable.load());

    /** One stream write as the replayer hands it over, and where it stands. */
    private record Sent(SlotCommand command, long start, long offset, long position, boolean unsafe, boolean unmarked) {
    }

    /** What the window submits, in order, with the index of the window call each write came out of. */
    private static final class Submitted implements WriteSink {
        final List<Write> writes = new ArrayList<>();
        final List<Integer> call = new ArrayList<>();
        int calls;

        @Override
        public void submit(Write write) {
            writes.add(write);
            call.add(calls);
        }

        @Override
        public void drain() {
        }

        @Override
        public long appliedOffset() {
            return -1;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** A command of the seeded stream for {@code slot}: INCR (not replay-safe) or SET (replay-safe), with a key unique to the command. */
    private static SlotCommand command(int slot, int n, boolean unsafe) {
        byte[] key = bytes("k" + n);
        List<byte[]> argv = unsafe ? List.of(bytes("INCR"), key) : List.of(bytes("SET"), key, bytes("v" + n));
        return SlotCommand.of(slot, key, argv);
    }

    /**
     * Runs a seeded random stream through a window of {@code maxCommands} / {@code maxBytes}: writes on few
     * or many slots, safe and not, key-filter copies, parts of source MULTI blocks (positions below their
     * EXEC's offset), barriers and idle moments. Checks every property of the class comment.
     */
    private static void check(long seed, int maxCommands, long maxBytes) throws Exception {
        Random random = new Random(seed);
        Submitted sink = new Submitted();
        AppliedOffsets offsets = new AppliedOffsets();
        offsets.startAt(0);
        QueuedWrites window = new QueuedWrites(sink, offsets, TABLE, new ReplayStats(), maxCommands, maxBytes);
        AppliedMarks marks = new AppliedMarks("src", () -> REPLID, null);
        window.marks(marks);
        int slotsUsed = random.nextBoolean() ? 8 : 16384;
        List<Sent> stream = new ArrayList<>();
        Map<List<byte[]>, Sent> byCommands = new IdentityHashMap<>(); // by the command's own argv
        long end = 0;
        Map<Sent, Boolean> out = new IdentityHashMap<>(); // the stream writes submitted so far
        int seen = 0;
        int firstQueued = 0;
        for (int n = 0; n < 3000; n++) {
            int r = random.nextInt(100);
            long start = end;
            end = start + 10 + random.nextInt(30);
            offsets.applying(start);
            sink.calls++; // each window call's writes: one window (each call sends at most one)
            if (r < 2) {
                window.send(); // a barrier, a drain, the stream idle
            } else if (r < 5) {
                // a source MULTI block's parts at its EXEC: each part marked at its last command's position
                int parts = 1 + random.nextInt(3);
                for (int p = 0; p < parts; p++) {
                    boolean unsafe = random.nextBoolean();
                    // MULTI at start, EXEC ending at end: each part's position between them
                    SlotCommand part = command(random.nextInt(slotsUsed), n * 10 + p, unsafe);
                    if (random.nextInt(3) == 0) { // a part of two commands of its slot, as a block joins them
                        SlotCommand more = command(part.slot(), n * 10 + p + 5, false);
                        part = new SlotCommand(part.slot(), part.key(), List.of(part.commands().get(0), more.commands().get(0)));
                    }
                    Sent s = new Sent(part, start, end, start + 2 + p, unsafe, false);
                    stream.add(s);
                    for (List<byte[]> c : part.commands()) {
                        byCommands.put(c, s);
                    }
                    sink.calls++;
                    window.send(s.command(), s.offset(), s.position());
                }
            } else {
                boolean unmarked = r < 7;
                boolean unsafe = !unmarked && random.nextInt(4) == 0;
                Sent s = new Sent(command(random.nextInt(slotsUsed), n * 10, unsafe), start, end, end, unsafe, unmarked);
                stream.add(s);
                byCommands.put(s.command().commands().get(0), s);
                if (unmarked) {
                    window.unmarked(s.command(), end);
                } else if (n % 2 == 0) {
                    window.send(s.command(), end, end);
                } else { // as the keyed handler sends it: with the entry it found for the command
                    window.send(s.command(), end, end, TABLE.known(s.command().commands().get(0)));
                }
            }
            offsets.handled(end);
            // the checkpoint never passes a write still queued
            for (; seen < sink.writes.size(); seen++) {
                for (List<byte[]> c : sink.writes.get(seen).commands()) {
                    Sent s = byCommands.get(c);
                    if (s != null) {
                        out.put(s, true);
                    }
                }
            }
            while (firstQueued < stream.size() && out.containsKey(stream.get(firstQueued))) {
                firstQueued++;
            }
            if (firstQueued < stream.size()) { // the stream's starts never decrease: the first queued one is the lowest
                long lowest = stream.get(firstQueued).start();
                assertTrue(offsets.applied() <= lowest, "seed " + seed + ": applied " + offsets.applied()
                        + " passes a queued write of a command starting at " + lowest);
            }
        }
        sink.calls++;
        window.send();
        assertTrue(window.isEmpty());
        assertEquals(end, offsets.applied(), "seed " + seed + ": all sent, nothing registered in this test: the handled offset");

        // each write's commands back to the stream write they came from; per-slot order; marks
        Map<Integer, List<Sent>> expected = new HashMap<>();
        for (Sent s : stream) {
            expected.computeIfAbsent(s.command().slot(), x -> new ArrayList<>()).add(s);
        }
        Map<Integer, List<Sent>> actual = new HashMap<>();
        Map<Write, List<Sent>> carried = new IdentityHashMap<>();
        long lastOffset = Long.MIN_VALUE;
        Map<Long, Map<Integer, Integer>> unitsPerCallAndSlot = new HashMap<>();
        for (int i = 0; i < sink.writes.size(); i++) {
            Write w = sink.writes.get(i);
            assertTrue(w.sourceOffset() >= lastOffset, "seed " + seed + ": submitted offsets never decrease");
            lastOffset = w.sourceOffset();
            List<Sent> in = new ArrayList<>();
            int markCommands = 0;
            for (List<byte[]> c : w.commands()) {
                if (text(c.get(1)).startsWith(AppliedMarks.PREFIX)) {
                    markCommands++;
                    continue;
                }
                Sent s = byCommands.get(c);
                assertNotNull(s, "seed " + seed + ": a command that is no stream write");
                if (!in.isEmpty() && in.get(in.size() - 1) == s) {
                    continue; // the next command of the same write
                }
                in.add(s);
                actual.computeIfAbsent(w.slot(), x -> new ArrayList<>()).add(s);
            }
            carried.put(w, in);
            boolean anyUnsafe = in.stream().anyMatch(Sent::unsafe);
            Sent lastIn = in.get(in.size() - 1);
            if (anyUnsafe) {
                assertEquals(1, markCommands, "seed " + seed + ": one mark per unit with an unsafe write");
                List<byte[]> mark = w.commands().get(w.commands().size() - 1);
                assertEquals("SET", text(mark.get(0)));
                assertEquals(text(marks.key(w.slot())), text(mark.get(1)), "the mark of the unit's slot");
                assertEquals(REPLID + ":" + lastIn.position(), text(mark.get(2)), "seed " + seed + ": the mark is the last write's position");
                Write.Probe.Mark probe = (Write.Probe.Mark) w.probe();
                assertEquals(lastIn.position(), probe.offset());
                assertFalse(probe.replaySafe());
                assertTrue(w.transaction());
                unitsPerCallAndSlot.computeIfAbsent((long) sink.call.get(i), x -> new HashMap<>()).merge(w.slot(), 1, Integer::sum);
            } else {
                assertEquals(0, markCommands, "seed " + seed + ": replay-safe writes go without a mark");
                assertEquals(1, in.size(), "seed " + seed + ": replay-safe writes go one by one, as they would alone");
                if (lastIn.unmarked()) {
                    assertNull(w.probe());
                } else {
                    Write.Probe.Mark probe = (Write.Probe.Mark) w.probe();
                    assertTrue(probe.replaySafe());
                    assertEquals(lastIn.position(), probe.offset());
                }
            }
            for (Sent s : in) {
                assertTrue(w.sourceOffset() <= s.offset(), "seed " + seed + ": a write carries an offset at or below each of its stream writes");
            }
        }
        assertEquals(expected, actual, "seed " + seed + ": every write sent once, each slot's in stream order");
        // within a window, the units (a slot's consecutive writes) go in the order of their last writes
        Map<Sent, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < stream.size(); i++) {
            index.put(stream.get(i), i);
        }
        for (int i = 0; i + 1 < sink.writes.size(); i++) {
            boolean unitEnds = sink.writes.get(i + 1).slot() != sink.writes.get(i).slot();
            if (unitEnds && sink.call.get(i).equals(sink.call.get(i + 1))) {
                List<Sent> before = carried.get(sink.writes.get(i));
                int j = i + 1;
                while (j + 1 < sink.writes.size() && sink.writes.get(j + 1).slot() == sink.writes.get(i + 1).slot()
                        && sink.call.get(j + 1).equals(sink.call.get(i + 1))) {
                    j++;
                }
                List<Sent> after = carried.get(sink.writes.get(j));
                assertTrue(index.get(before.get(before.size() - 1)) < index.get(after.get(after.size() - 1)),
                        "seed " + seed + ": a unit goes where its last write stands");
            }
        }
        for (Map<Integer, Integer> perSlot : unitsPerCallAndSlot.values()) {
            for (int units : perSlot.values()) {
                assertEquals(1, units, "seed " + seed + ": one marked unit per slot per window");
            }
        }
        // windows: what one call submitted; within the limits
        Map<Integer, Integer> commandsPerCall = new HashMap<>();
        Map<Integer, Long> bytesPerCall = new HashMap<>();
        for (int i = 0; i < sink.writes.size(); i++) {
            for (Sent s : carried.get(sink.writes.get(i))) {
                commandsPerCall.merge(sink.call.get(i), 1, Integer::sum);
                long b = 0;
                for (byte[] a : s.command().commands().get(0)) {
                    b += a.length;
                }
                bytesPerCall.merge(sink.call.get(i), b, Long::sum);
            }
        }
        commandsPerCall.values().forEach(c -> assertTrue(c <= maxCommands, "seed " + seed + ": a window of " + c + " commands"));
        bytesPerCall.values().forEach(b -> assertTrue(b <= maxBytes, "seed " + seed + ": a window of " + b + " bytes"));

        // settling the units in any order: the writer's settled offset (every write registered at or below
        // it acknowledged) never passes a stream write whose unit is not acknowledged
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < sink.writes.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        boolean[] settled = new boolean[sink.writes.size()];
        for (int k = 0; k < order.size(); k++) {
            settled[order.get(k)] = true;
            if (k % 50 != 0 && k != order.size() - 1) {
                continue;
            }
            // the highest offset registered such that every write registered at or below it is settled
            int firstUnsettled = 0;
            while (firstUnsettled < settled.length && settled[firstUnsettled]) {
                firstUnsettled++;
            }
            long settledOffset = -1;
            for (int i = 0; i < firstUnsettled; i++) {
                long o = sink.writes.get(i).sourceOffset();
                if (firstUnsettled == settled.length || sink.writes.get(firstUnsettled).sourceOffset() > o) {
                    settledOffset = o;
                }
            }
            for (int i = 0; i < settled.length; i++) {
                if (!settled[i]) {
                    for (Sent s : carried.get(sink.writes.get(i))) {
                        assertTrue(s.offset() > settledOffset, "seed " + seed + ": settled offset " + settledOffset
                                + " passes an unacknowledged write at " + s.offset());
                    }
                }
            }
        }
    }

    @Test
    void eachSlotsWritesKeepTheirOrderAndShareOneMarkPerWindow() throws Exception {
        for (long seed = 1; seed <= 20; seed++) {
            check(seed, QueuedWrites.MAX_COMMANDS, 1 << 20);
        }
    }

    @Test
    void aWindowNeverHoldsMoreCommandsOrBytesThanItsLimits() throws Exception {
        for (long seed = 21; seed <= 40; seed++) {
            check(seed, 37, 1 << 20);
            check(seed, 1 << 16, 900);
        }
    }

    /** A window of the default command limit and 16 MiB over {@code offsets}, started at offset 0, without marks yet. */
    private static QueuedWrites window(Submitted sink, AppliedOffsets offsets) {
        offsets.startAt(0);
        return new QueuedWrites(sink, offsets, TABLE, new ReplayStats(), QueuedWrites.MAX_COMMANDS, 1 << 24);
    }

    @Test
    void aStreamOnManySlotsSharesMarksOnlyWhereASlotRepeats() throws Exception {
        // 4,000 unsafe writes on 100 slots in one window: 100 units, 100 marks, not 4,000
        Submitted sink = new Submitted();
        AppliedOffsets offsets = new AppliedOffsets();
        QueuedWrites window = window(sink, offsets);
        window.marks(new AppliedMarks("src", () -> REPLID, null));
        for (int n = 0; n < 4000; n++) {
            offsets.applying(n * 10L);
            window.send(command(n % 100, n, true), n * 10L + 10, n * 10L + 10);
            offsets.handled(n * 10L + 10);
        }
        assertTrue(sink.writes.isEmpty(), "nothing goes before the window is sent");
        assertEquals(0, offsets.applied(), "the checkpoint stays below the first queued write");
        window.send();
        assertEquals(100, sink.writes.size());
        for (Write w : sink.writes) {
            assertEquals(41, w.commands().size(), "40 writes and one mark");
        }
    }

    @Test
    void withoutMarksEveryWriteGoesAtOnceOnItsOwn() throws Exception {
        Submitted sink = new Submitted();
        QueuedWrites window = window(sink, new AppliedOffsets());
        for (int n = 0; n < 10; n++) {
            window.send(command(n % 2, n, true), n + 1, n + 1);
            assertEquals(n + 1, sink.writes.size());
            assertNull(sink.writes.get(n).probe());
            assertEquals(1, sink.writes.get(n).commands().size());
        }
        assertTrue(window.isEmpty());
    }
}
