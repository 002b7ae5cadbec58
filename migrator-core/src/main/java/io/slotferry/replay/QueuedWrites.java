package io.slotferry.replay;

import io.slotferry.command.CommandSpec;
import io.slotferry.routing.HashSlot;
import io.slotferry.split.SlotCommand;
import io.slotferry.write.AppliedOffsets;
import io.slotferry.write.Write;
import io.slotferry.write.WriteException;
import io.slotferry.write.WriteSink;
import java.util.Arrays;
import java.util.List;

/**
 * The replayer's stream writes, queued per slot over a bounded window and sent one slot at a time, so
 * that writes which are not replay-safe share their applied marks (docs/replay.md, "Exactly once").
 * When the window is sent, each slot's writes go, in stream order, as one unit: with a write that is not
 * replay-safe among them, {@code MULTI}, every write of the slot, ONE mark at the position of the last
 * of them, {@code EXEC}; otherwise each write on its own, without a mark, as it would have gone alone.
 *
 * <p>Why the guarantees hold. A slot's writes keep their order and their connection, so the target still
 * holds every write of a slot at or below its mark. Writes of different slots may be reordered within the
 * window, which a cluster never orders anyway. A unit is atomic with its mark, so a restart's rule (skip
 * every write at or below {@code max(slot mark, barrier mark)}) and the probe after a lost connection
 * (mark at or above the unit's last position: all of it applied, else none) stay exact. The checkpoint
 * never passes a queued write: the first write queued holds the applied offset below its command
 * ({@link AppliedOffsets#holding}) until the window is submitted, and every unit of a window is submitted
 * carrying the source offset of the window's FIRST write (so the offsets submitted never decrease), so
 * the settled offset passes a queued write only once the whole window is acknowledged. Units go in the
 * order of their last writes: a write never goes before a write that preceded it in the stream went or
 * would have gone, so the stream's last write (a marker an operator waits for) still goes last.
 *
 * <p>The window is sent when the stream has no more commands for now, when it holds {@code maxCommands}
 * commands or {@code maxBytes} bytes (argument bytes plus per-object overhead, as the writer's in-flight
 * budget counts them), and before anything that must see earlier writes sent (an operation on a drained
 * writer, a drain, a checkpoint, new marks). Writes that bypass it (marks off, and the writes a restart
 * sends again up to the last run's submit limit, whose {@code WRONGTYPE} after a later write must stay a
 * per-write question) send the window first, so no slot's writes are reordered.
 *
 * <p>Single-threaded, like the replayer that feeds it.
 */
final class QueuedWrites {
    /** Commands a window holds at most. */
    static final int MAX_COMMANDS = 65_536;
    private static final int WRITE_OVERHEAD = 64;
    private static final int ARGUMENT_OVERHEAD = 16;
    private static final byte SAFE = 0;
    private static final byte UNSAFE = 1;
    private static final byte UNMARKED = 2;

    private final WriteSink writer;
    private final AppliedOffsets offsets;
    private final KnownCommands table;
    private final ReplayStats stats;
    private final int maxCommands;
    private final long maxBytes;
    private AppliedMarks marks;

    /** The window in stream order: each write's commands, offset, mark position, kind, and the next write of its slot (-1: none). */
    private SlotCommand[] command = new SlotCommand[256];
    /** Each write's slot, read without going to its command when the window is sent. */
    private int[] slotOf = new int[256];
    /**
     * Each write's command when it has one (the usual case), else null: a slot's transaction is built from
     * this array without going through each write's {@code SlotCommand} and its list, long out of the cache
     * when a window of 65,536 writes is sent.
     */
    @SuppressWarnings("unchecked")
    private List<byte[]>[] only = new List[256];
    private long[] offset = new long[256];
    private long[] position = new long[256];
    private byte[] kind = new byte[256];
    private int[] next = new int[256];
    private int writes;
    private int commands;
    private long bytes;
    /** Per slot: its first and last write in the window (-1: none), and whether one is not replay-safe. */
    private final int[] first = new int[HashSlot.SLOTS];
    private final int[] last = new int[HashSlot.SLOTS];
    private final boolean[] unsafe = new boolean[HashSlot.SLOTS];
    /** Per slot: the commands of its writes in the window. */
    private final int[] slotCommands = new int[HashSlot.SLOTS];

    QueuedWrites(WriteSink writer, AppliedOffsets offsets, KnownCommands table, ReplayStats stats, int maxCommands, long maxBytes) {
        if (maxCommands < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("a window needs room for a command: " + maxCommands + " commands, " + maxBytes + " bytes");
        }
        this.writer = writer;
        this.offsets = offsets;
        this.table = table;
        this.stats = stats;
        this.maxCommands = maxCommands;
        this.maxBytes = maxBytes;
        Arrays.fill(first, -1);
    }

    /** From now on, writes that are not replay-safe carry marks of {@code m}, and what it says applied is skipped. */
    void marks(AppliedMarks m) throws WriteException, InterruptedException {
        send();
        marks = m;
    }

    /**
     * One slot's commands of the stream command at source offset {@code offset}, marked at {@code position}:
     * skipped when the target holds them already, else queued (or sent, when they bypass the window).
     */
    void send(SlotCommand c, long offset, long position) throws WriteException, InterruptedException {
        send(c, offset, position, null);
    }

    /**
     * {@link #send(SlotCommand, long, long)} of a write whose one command's table entry is {@code spec}, as
     * {@link KnownCommands#known} gives it (null: looked up here).
     */
    void send(SlotCommand c, long offset, long position, CommandSpec spec) throws WriteException, InterruptedException {
        AppliedMarks m = marks;
        if (m == null || !m.active()) {
            bypass(new Write(c.slot(), c.key(), c.commands(), offset, null, 0));
            return;
        }
        if (m.applied(c.slot(), position)) {
            offsets.skipped(offset);
            stats.skipped("applied-before-restart"); // the target holds it: a crash came after it was applied
            return;
        }
        boolean safe = replaySafe(c.commands(), spec);
        if (m.reapplied(offset)) {
            List<List<byte[]>> marked = safe ? c.commands() : m.marked(c.slot(), position, c.commands());
            bypass(new Write(c.slot(), c.key(), marked, offset, m.probe(c.slot(), position, safe, offset), 0));
            return;
        }
        queue(c, offset, position, safe ? SAFE : UNSAFE);
    }

    /** A whole-key write of the key filter: never skipped by marks, sent without a probe, in its place among its slot's writes. */
    void unmarked(SlotCommand c, long offset) throws WriteException, InterruptedException {
        AppliedMarks m = marks;
        if (m == null || !m.active() || m.reapplied(offset)) {
            bypass(new Write(c.slot(), c.key(), c.commands(), offset, null, 0));
            return;
        }
        queue(c, offset, offset, UNMARKED);
    }

    /** True when no write is queued. */
    boolean isEmpty() {
        return writes == 0;
    }

    /** Submits every queued write, one unit per slot (see the class comment); the window is empty after. */
    void send() throws WriteException, InterruptedException {
        if (writes == 0) {
            return;
        }
        long registered = offset[0]; // every unit's: the writer's settled offset passes it once the whole window is acknowledged
        for (int t = 0; t < writes; t++) {
            int slot = slotOf[t];
            if (last[slot] != t) {
                continue; // a slot's unit goes where its last write stands: the stream's last write goes last
            }
            int head = first[slot];
            if (unsafe[slot]) {
                submitTransaction(slot, head, t, registered);
            } else {
                for (int i = head; i >= 0; i = next[i]) {
                    Write.Probe probe = kind[i] == UNMARKED ? null : marks.probe(slot, position[i], true, offset[i]);
                    writer.submit(new Write(slot, command[i].key(), command[i].commands(), registered, probe, 0));
                }
            }
            first[slot] = -1;
            unsafe[slot] = false;
            slotCommands[slot] = 0;
        }
        Arrays.fill(command, 0, writes, null);
        Arrays.fill(only, 0, writes, null);
        writes = 0;
        commands = 0;
        bytes = 0;
        offsets.released();
    }

    /** The writes of {@code slot} from {@code head} to {@code tail}, and the mark of the last, as one transaction carrying {@code registered}. */
    private void submitTransaction(int slot, int head, int tail, long registered) throws WriteException, InterruptedException {
        List<List<byte[]>> all;
        if (head == tail) {
            all = marks.marked(slot, position[head], command[head].commands()); // one write: as it would go alone
        } else {
            // sized once and made immutable in one copy, which the Write keeps as it is (no list grown, then copied twice)
            @SuppressWarnings("unchecked")
            List<byte[]>[] unit = new List[slotCommands[slot] + 1];
            int n = 0;
            for (int i = head; i >= 0; i = next[i]) {
                if (only[i] != null) {
                    unit[n++] = only[i];
                    continue;
                }
                List<List<byte[]>> cs = command[i].commands();
                for (int j = 0, m = cs.size(); j < m; j++) { // indexed: no iterator, no array per write
                    unit[n++] = cs.get(j);
                }
            }
            unit[n] = marks.mark(slot, position[tail]);
            all = List.of(unit);
        }
        writer.submit(new Write(slot, command[head].key(), all, registered, marks.probe(slot, position[tail], false, offset[tail]), 0));
    }

    /** Sends the window, then {@code w} on its own: it keeps its place after every earlier write of its slot. */
    private void bypass(Write w) throws WriteException, InterruptedException {
        send();
        writer.submit(w);
    }

    private void queue(SlotCommand c, long at, long markedAt, byte k) throws WriteException, InterruptedException {
        List<List<byte[]>> cs = c.commands();
        long size = WRITE_OVERHEAD;
        for (int i = 0, n = cs.size(); i < n; i++) { // indexed: no iterator per write
            List<byte[]> argv = cs.get(i);
            for (int j = 0, m = argv.size(); j < m; j++) {
                size += argv.get(j).length + ARGUMENT_OVERHEAD;
            }
        }
        if (writes > 0 && (commands + cs.size() > maxCommands || bytes + size > maxBytes)) {
            send();
        }
        if (writes == 0) {
            offsets.holding();
        }
        if (writes == command.length) {
            grow();
        }
        int i = writes++;
        command[i] = c;
        offset[i] = at;
        slotOf[i] = c.slot();
        only[i] = cs.size() == 1 ? cs.get(0) : null;
        position[i] = markedAt;
        kind[i] = k;
        next[i] = -1;
        int slot = c.slot();
        if (first[slot] < 0) {
            first[slot] = i;
        } else {
            next[last[slot]] = i;
        }
        last[slot] = i;
        unsafe[slot] |= k == UNSAFE;
        slotCommands[slot] += cs.size();
        commands += cs.size();
        bytes += size;
    }

    private void grow() {
        int n = command.length * 2;
        command = Arrays.copyOf(command, n);
        slotOf = Arrays.copyOf(slotOf, n);
        only = Arrays.copyOf(only, n);
        offset = Arrays.copyOf(offset, n);
        position = Arrays.copyOf(position, n);
        kind = Arrays.copyOf(kind, n);
        next = Arrays.copyOf(next, n);
    }

    /**
     * True when every command may be applied again ({@link io.slotferry.command.ReplaySafety}); {@code known}:
     * the entry of the only command, when the caller has it.
     */
    private boolean replaySafe(List<List<byte[]>> commands, CommandSpec known) {
        if (known != null && commands.size() == 1) {
            return known.replaySafety().safe(commands.get(0));
        }
        for (int i = 0; i < commands.size(); i++) {
            List<byte[]> argv = commands.get(i);
            CommandSpec spec = table.known(argv);
            if (spec == null || !spec.replaySafety().safe(argv)) {
                return false;
            }
        }
        return true;
    }
}
