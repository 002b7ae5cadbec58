package io.slotferry.replay;

import io.slotferry.resp.RespValue;
import io.slotferry.routing.HashSlot;
import io.slotferry.write.TargetNodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Exactly-once for stream writes that must not be applied twice (INCR, RPUSH, RENAME...: the
 * command table's {@code idempotent no}). Each goes to the target in one transaction with a mark,
 * {@code SET slotferry:applied:{TAG}:SOURCE REPLID:OFFSET PX 1 day}, where TAG puts the mark in the
 * write's slot: the target holds the write if and only if it holds the mark. A run restarted after
 * a crash resumes from a checkpoint up to a second old and meets writes it already applied; those
 * at or below their slot's mark are skipped. Within a slot the target applies writes in order, so
 * one mark per slot and source is enough.
 *
 * <p>Marks are read once per slot (the first write of a slot after the start), then tracked here.
 * They expire a day after the slot's last such write (a restart later than that finds none and
 * re-applies, as without marks). Without a replication id (SYNC, before Redis 2.8: offsets restart
 * with each session) nothing is marked or skipped.
 */
public final class AppliedMarks {
    static final String PREFIX = "slotferry:applied:";
    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SET = "SET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GET = "GET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PX = "PX".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ONE_DAY = "86400000".getBytes(StandardCharsets.US_ASCII);
    private static final long UNREAD = Long.MIN_VALUE;
    private static volatile String[] tags;

    private final String source;
    private final Supplier<String> replid;
    private final TargetNodes nodes;
    private final long[] marks = new long[HashSlot.SLOTS];

    AppliedMarks(String source, Supplier<String> replid, TargetNodes nodes) {
        this.source = source;
        this.replid = replid;
        this.nodes = nodes;
        Arrays.fill(marks, UNREAD);
    }

    /** True for the migrator's own mark keys (verify leaves them out: they are no source's keys). */
    public static boolean isMark(byte[] key) {
        return key.length > PREFIX_BYTES.length && Arrays.equals(key, 0, PREFIX_BYTES.length, PREFIX_BYTES, 0, PREFIX_BYTES.length);
    }

    /** True when the target already holds the write of {@code slot} ending at {@code offset}. */
    boolean applied(int slot, long offset) throws IOException, InterruptedException {
        String id = replid.get();
        if (id == null || id.equals("?")) {
            return false;
        }
        if (marks[slot] == UNREAD) {
            marks[slot] = read(slot, id);
        }
        return offset <= marks[slot];
    }

    /** {@code commands} and the mark of {@code offset}, to be applied as one transaction. */
    List<List<byte[]>> marked(int slot, long offset, List<List<byte[]>> commands) {
        String id = replid.get();
        if (id == null || id.equals("?")) {
            return commands;
        }
        marks[slot] = Math.max(marks[slot], offset);
        List<List<byte[]>> out = new ArrayList<>(commands.size() + 1);
        out.addAll(commands);
        out.add(List.of(SET, key(slot), (id + ":" + offset).getBytes(StandardCharsets.US_ASCII), PX, ONE_DAY));
        return out;
    }

    private long read(int slot, String id) throws IOException, InterruptedException {
        RespValue r = nodes.call(slot, List.of(GET, key(slot)));
        if (r instanceof RespValue.Bulk b && b.bytes() != null) {
            String v = new String(b.bytes(), StandardCharsets.US_ASCII);
            int colon = v.lastIndexOf(':');
            if (colon > 0 && v.substring(0, colon).equals(id)) {
                try {
                    return Long.parseLong(v.substring(colon + 1));
                } catch (NumberFormatException e) {
                    return -1; // not ours to trust: apply
                }
            }
            return -1; // another replication history: its offsets say nothing about this one
        }
        if (r instanceof RespValue.Error e) {
            throw new IOException("reading the applied mark of slot " + slot + " failed: " + e.message());
        }
        return -1;
    }

    byte[] key(int slot) {
        return (PREFIX + "{" + tag(slot) + "}:" + source).getBytes(StandardCharsets.UTF_8);
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
