package io.slotferry.replay;

import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.routing.HashSlot;
import io.slotferry.routing.SlotTable;
import io.slotferry.write.TargetNodes;
import io.slotferry.write.Write;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Exactly once across crashes and lost connections (docs/replay.md, "Exactly once"). Two kinds of mark
 * say what the target holds of one source's stream, each {@code REPLID:OFFSET}:
 * <ul>
 *   <li>a <b>slot mark</b>, {@code slotferry:applied:{TAG}:SOURCE}, where TAG puts it in its slot: written
 *       in one transaction with every write that is not replay-safe ({@link io.slotferry.command.ReplaySafety}).
 *       The target applies a slot's writes in order, so it holds every write of the slot at or below the mark;</li>
 *   <li>the <b>barrier mark</b>, {@code slotferry:applied:barrier:{SOURCE}}: set after an operation on a
 *       drained writer (a cross-slot emulation, a flush, a database swap) completed. Every write before it is
 *       settled then, so the target holds every write of every slot at or below it.</li>
 * </ul>
 * A restarted run meets writes it may have applied already. It skips every write at or below
 * {@code max(slot mark, barrier mark)}, whatever its class; the writes after that were all replay-safe
 * (an unsafe one would have moved the mark), so applying them again ends in the same state.
 *
 * <p>The marks are read once, all slots pipelined per primary, when the stream starts; then tracked here.
 * They expire a day after their last write (a restart later than that finds none and re-applies what its
 * checkpoint does not cover, as without marks); {@code migrate finish} deletes them. Without a replication
 * id (SYNC, before Redis 2.8: offsets restart with each session) nothing is marked or skipped.
 */
public final class AppliedMarks {
    /** Every key the migrator writes for itself starts with this; verify counts them, finish deletes them. */
    public static final String TOOL_PREFIX = "slotferry:";
    static final String PREFIX = TOOL_PREFIX + "applied:";
    private static final byte[] TOOL_PREFIX_BYTES = TOOL_PREFIX.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SET = "SET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GET = "GET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PX = "PX".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ONE_DAY = "86400000".getBytes(StandardCharsets.US_ASCII);
    private static final int PIPELINE = 1024;
    private static volatile String[] tags;

    private final String source;
    private final Supplier<String> replid;
    private final TargetNodes nodes;
    /** The slot marks as read when the stream started (what the last run applied), by slot. */
    private final long[] marks = new long[HashSlot.SLOTS];
    private final byte[][] keys = new byte[HashSlot.SLOTS][];
    private final byte[] barrierKey;
    private long barrier = -1;
    /** The barrier mark as read when the stream started: what the last run completed. */
    private long loadedBarrier = -1;
    /** The highest of the marks as read when the stream started: writes above it were not applied by the last run. */
    private long loadedMax = -1;
    private long reapplyUpTo = -1;
    /** The replication id {@link #valuePrefix} was built for ({@code REPLID:} as bytes). */
    private String valueId;
    private byte[] valuePrefix;

    AppliedMarks(String source, Supplier<String> replid, TargetNodes nodes) {
        this.source = source;
        this.replid = replid;
        this.nodes = nodes;
        this.barrierKey = (PREFIX + "barrier:{" + source + "}").getBytes(StandardCharsets.UTF_8);
        Arrays.fill(marks, -1);
    }

    /** True for the migrator's own keys (marks, emulation scratch keys): no source's keys. */
    public static boolean isToolKey(byte[] key) {
        return key.length > TOOL_PREFIX_BYTES.length
                && Arrays.equals(key, 0, TOOL_PREFIX_BYTES.length, TOOL_PREFIX_BYTES, 0, TOOL_PREFIX_BYTES.length);
    }

    /** True when the stream has a replication id, so offsets name one position for good. */
    boolean active() {
        String id = replid.get();
        return id != null && !id.equals("?");
    }

    /**
     * Reads every slot mark and the barrier mark of this source (pipelined per primary). Writes up to
     * {@code reapplyUpTo} (the last run's submit limit, -1 when none) may have been applied by the last
     * run without a mark: they are sent knowing so ({@link Write.Probe.Mark#reapplied()}).
     */
    void load(long reapplyUpTo) throws IOException, InterruptedException {
        this.reapplyUpTo = reapplyUpTo;
        Arrays.fill(marks, -1);
        barrier = -1;
        loadedBarrier = -1;
        loadedMax = -1;
        if (!active()) {
            return;
        }
        String id = replid.get();
        SlotTable table = nodes.slots();
        Map<RedisEndpoint, List<Integer>> byNode = new LinkedHashMap<>();
        for (int slot = 0; slot < HashSlot.SLOTS; slot++) {
            byNode.computeIfAbsent(table.primaryOf(slot), n -> new ArrayList<>()).add(slot);
        }
        for (Map.Entry<RedisEndpoint, List<Integer>> e : byNode.entrySet()) {
            List<Integer> slots = e.getValue();
            for (int from = 0; from < slots.size(); from += PIPELINE) {
                List<Integer> part = slots.subList(from, Math.min(slots.size(), from + PIPELINE));
                List<List<byte[]>> gets = new ArrayList<>(part.size());
                for (int slot : part) {
                    gets.add(List.of(GET, key(slot)));
                }
                List<RespValue> replies = nodes.pipeline(e.getKey(), gets);
                for (int i = 0; i < part.size(); i++) {
                    RespValue r = replies.get(i);
                    if (r instanceof RespValue.Error) {
                        r = nodes.call(part.get(i), gets.get(i)); // the slot moved since the table was read
                    }
                    marks[part.get(i)] = offsetOf(r, id, "the applied mark of slot " + part.get(i));
                }
            }
        }
        barrier = offsetOf(nodes.call(HashSlot.of(barrierKey), List.of(GET, barrierKey)), id, "the barrier mark");
        loadedBarrier = barrier;
        for (long m : marks) {
            loadedMax = Math.max(loadedMax, m);
        }
        loadedMax = Math.max(loadedMax, loadedBarrier);
    }

    /**
     * True when the target already holds the write of {@code slot} marked at {@code position} (the end
     * offset of its stream command; see {@link Step.Send#position()}): by the marks as they were read when
     * the stream started, i.e. what the last run applied. The marks this run writes say nothing about its
     * own later writes.
     */
    boolean applied(int slot, long position) {
        // past every mark read (the whole stream once the restart's overlap is behind): no look at the slot's
        return position <= loadedMax && position <= Math.max(marks[slot], loadedBarrier);
    }

    /** True when the target already holds the operation on a drained writer at {@code position}. */
    boolean barrierApplied(long position) {
        return position <= barrier;
    }

    /** An operation on a drained writer at {@code position} completed: every write up to it is held. */
    void barrierDone(long position) throws IOException, InterruptedException {
        String id = replid.get();
        if (!active()) {
            return;
        }
        RespValue r = nodes.call(HashSlot.of(barrierKey), List.of(SET, barrierKey, value(id, position), PX, ONE_DAY));
        if (r instanceof RespValue.Error e) {
            throw new IOException("writing the barrier mark failed: " + e.message());
        }
        barrier = Math.max(barrier, position);
    }

    /** {@code commands} and the mark of {@code position}, to be applied as one transaction. */
    List<List<byte[]>> marked(int slot, long position, List<List<byte[]>> commands) {
        List<byte[]> mark = mark(slot, position);
        if (commands.size() == 1) {
            return List.of(commands.get(0), mark); // the usual case, on every unsafe write's path: no copy
        }
        List<List<byte[]>> out = new ArrayList<>(commands.size() + 1);
        out.addAll(commands);
        out.add(mark);
        return out;
    }

    /** The command that sets the mark of {@code slot} to {@code position}: the last of a transaction. */
    List<byte[]> mark(int slot, long position) {
        return List.of(SET, key(slot), value(replid.get(), position), PX, ONE_DAY);
    }

    /** True when the last run may have sent the write of source offset {@code offset} (see {@link #load}). */
    boolean reapplied(long offset) {
        return offset <= reapplyUpTo;
    }

    /**
     * How the writer tells, after a lost connection, whether the write of {@code slot} marked at
     * {@code position} was applied; {@code offset} is the write's source offset (the EXEC's, for a part of
     * a MULTI block), which says whether the last run may have sent it.
     */
    Write.Probe.Mark probe(int slot, long position, boolean replaySafe, long offset) {
        return new Write.Probe.Mark(key(slot), replid.get(), position, replaySafe, reapplied(offset));
    }

    /** {@code REPLID:OFFSET}, built from the id's bytes kept while the id stays the same (every unsafe write needs one). */
    private byte[] value(String id, long offset) {
        byte[] prefix = valuePrefix;
        if (!id.equals(valueId)) {
            prefix = (id + ":").getBytes(StandardCharsets.US_ASCII);
            valuePrefix = prefix;
            valueId = id;
        }
        if (offset < 0) {
            return (id + ":" + offset).getBytes(StandardCharsets.US_ASCII);
        }
        int digits = 1;
        for (long rest = offset / 10; rest > 0; rest /= 10) {
            digits++;
        }
        byte[] out = Arrays.copyOf(prefix, prefix.length + digits);
        for (int i = out.length - 1; i >= prefix.length; i--, offset /= 10) {
            out[i] = (byte) ('0' + offset % 10);
        }
        return out;
    }

    private static long offsetOf(RespValue r, String id, String what) throws IOException {
        if (r instanceof RespValue.Bulk b) {
            return b.bytes() == null ? -1 : Write.Probe.Mark.markOffset(b.bytes(), id);
        }
        throw new IOException("reading " + what + " failed: " + r);
    }

    byte[] key(int slot) {
        byte[] k = keys[slot];
        if (k == null) {
            k = (PREFIX + "{" + tag(slot) + "}:" + source).getBytes(StandardCharsets.UTF_8);
            keys[slot] = k; // on every write's path: built once per slot
        }
        return k;
    }

    /** A short hash tag of {@code slot}: the first decimal number whose CRC16 lands there. */
    static String tag(int slot) {
        String[] t = tags;
        if (t == null) {
            t = new String[HashSlot.SLOTS];
            int found = 0;
            for (int n = 0; found < HashSlot.SLOTS; n++) {
                String s = Integer.toString(n);
                int sl = HashSlot.of(s.getBytes(StandardCharsets.US_ASCII));
                if (t[sl] == null) {
                    t[sl] = s;
                    found++;
                }
            }
            tags = t;
        }
        return t[slot];
    }
}
