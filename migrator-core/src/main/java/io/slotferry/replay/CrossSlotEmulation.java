package io.slotferry.replay;

import io.slotferry.command.KeyRef;
import io.slotferry.resp.Ascii;
import io.slotferry.resp.RespValue;
import io.slotferry.routing.HashSlot;
import io.slotferry.write.TargetNodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Runs a command whose keys span slots (RENAME, SMOVE, LMOVE, SUNIONSTORE, BITOP, COPY, ...) so that the
 * target ends where the source did. The writer is drained first, so the target holds the stream's state
 * at this command. Each key is copied ({@code DUMP} + its absolute expiry, {@code RESTORE ... ABSTTL}) to a
 * scratch key in one slot ({@code slotferry:emulation:{SOURCE}:N}); the command runs there unchanged but for
 * its key names, by the server's own code; every key it may write is copied back (or deleted, when the
 * command left it absent), with its TTL; the scratch keys are deleted.
 *
 * <p>Memory: one value at a time (one DUMP payload). Scratch keys left by a crash are replaced by the
 * next emulation before use; with a journal ({@link #journal}) a crash between the copies back is resumed.
 */
final class CrossSlotEmulation {
    private static final Logger LOG = Logger.getLogger(CrossSlotEmulation.class.getName());
    private static final byte[] SCRATCH = "{slotferry:emulation}:".getBytes(StandardCharsets.US_ASCII);

    private final TargetNodes nodes;
    private boolean noExpireTime;
    private byte[] scratchPrefix = SCRATCH;
    private int scratchSlot = HashSlot.of(SCRATCH);
    private byte[] journalKey;
    private Supplier<String> replid;
    /** Scratch keys (and the journal) of the last emulation, deleted once its barrier mark is written. */
    private final List<byte[]> leftOver = new ArrayList<>();

    CrossSlotEmulation(TargetNodes nodes) {
        this.nodes = nodes;
    }

    /**
     * Makes emulations of {@code source} crash-safe: scratch keys of its own
     * ({@code slotferry:emulation:{SOURCE}:N}) and a journal, {@code slotferry:emulation:{SOURCE}:journal}
     * = {@code REPLID:OFFSET}, written once the command ran on the scratch keys and before any copy back.
     * A run restarted after a crash during the copy back finds the journal of the same command and copies
     * the results back again (each copy replaces the key whole) instead of running the command again on
     * keys it already changed. The journal and scratch keys stay until the barrier mark is written.
     */
    void journal(String source, Supplier<String> replid) {
        this.scratchPrefix = ("slotferry:emulation:{" + source + "}:").getBytes(StandardCharsets.UTF_8);
        this.scratchSlot = HashSlot.of(scratchPrefix);
        this.journalKey = concat(scratchPrefix, Ascii.bytes("journal"));
        this.replid = replid;
    }

    /**
     * The stream command {@code name} starting at {@code start}, emulated with the writer drained: a
     * barrier step that runs {@link #run} journaled under {@code start}, a refusal stopping the worker.
     */
    Step step(String name, List<byte[]> argv, List<KeyRef> keys, long start) {
        return new Step.Barrier(start + 1, offset -> {
            try {
                run(argv, keys, start);
            } catch (EmulationException e) {
                throw new ReplayException(name, start, "cross-slot emulation failed: " + e.getMessage(), e);
            }
        });
    }

    /**
     * Emulates {@code argv} whose keys are {@code keys}; returns the command's reply on the scratch keys
     * (null when a journal showed it had run before a crash). {@code journalOffset} names the command
     * in the journal; -1 runs it without one (the parts of a database swap).
     */
    RespValue run(List<byte[]> argv, List<KeyRef> keys, long journalOffset)
            throws IOException, InterruptedException, EmulationException {
        cleanUp();
        Map<String, byte[]> scratchOf = new LinkedHashMap<>();
        Map<String, byte[]> realOf = new LinkedHashMap<>();
        Map<String, Boolean> written = new LinkedHashMap<>();
        List<byte[]> rewritten = new ArrayList<>(argv);
        for (KeyRef k : keys) {
            byte[] real = argv.get(k.index());
            String id = new String(real, StandardCharsets.ISO_8859_1); // a lossless map key for bytes
            byte[] scratch = scratchOf.computeIfAbsent(id, x -> scratch(scratchOf.size()));
            realOf.putIfAbsent(id, real);
            written.merge(id, k.written(), Boolean::logicalOr);
            rewritten.set(k.index(), scratch);
        }
        boolean journaled = journalKey != null && journalOffset >= 0;
        byte[] entry = journaled ? Ascii.bytes(replid.get() + ":" + journalOffset) : null;
        boolean ranBefore = journaled && journalHolds(entry);
        boolean keep = false;
        try {
            RespValue reply = null;
            if (!ranBefore) {
                for (Map.Entry<String, byte[]> e : scratchOf.entrySet()) {
                    copy(realOf.get(e.getKey()), e.getValue());
                }
                reply = nodes.call(scratchSlot, rewritten);
                if (reply instanceof RespValue.Error err) {
                    throw new EmulationException("the target refused the emulated command: " + err.message());
                }
                if (journaled) {
                    check(nodes.call(scratchSlot, List.of(Ascii.bytes("SET"), journalKey, entry)));
                }
            }
            keep = journaled; // from here a crash resumes with the copy back
            for (Map.Entry<String, byte[]> e : scratchOf.entrySet()) {
                if (written.get(e.getKey())) {
                    copy(e.getValue(), realOf.get(e.getKey()));
                }
            }
            return reply;
        } finally {
            leftOver.addAll(scratchOf.values());
            if (journaled) {
                leftOver.add(journalKey);
            }
            if (!keep) {
                cleanUp();
            }
        }
    }

    /** Deletes the scratch keys and journal of the last emulation (after its barrier mark is written). */
    void cleanUp() throws IOException, InterruptedException {
        if (leftOver.isEmpty()) {
            return;
        }
        List<byte[]> del = new ArrayList<>();
        del.add(Ascii.bytes("DEL"));
        del.addAll(leftOver);
        leftOver.clear();
        RespValue r = nodes.call(scratchSlot, del);
        if (r instanceof RespValue.Error e) {
            // they hold copies only (migrate finish deletes every slotferry:* key); never silently
            LOG.warning(() -> "deleting the emulation's scratch keys failed: " + e.message());
        }
    }

    private boolean journalHolds(byte[] entry) throws IOException, InterruptedException {
        RespValue r = nodes.call(scratchSlot, List.of(Ascii.bytes("GET"), journalKey));
        return r instanceof RespValue.Bulk b && b.bytes() != null && Arrays.equals(b.bytes(), entry);
    }

    /** Makes {@code to} hold what {@code from} holds (value and expiry), or deletes it when {@code from} is absent. */
    void copy(byte[] from, byte[] to) throws IOException, InterruptedException, EmulationException {
        int fromSlot = HashSlot.of(from);
        int toSlot = HashSlot.of(to);
        RespValue dump = nodes.call(fromSlot, List.of(Ascii.bytes("DUMP"), from));
        if (dump instanceof RespValue.Bulk b && b.bytes() == null) {
            check(nodes.call(toSlot, List.of(Ascii.bytes("DEL"), to)));
            return;
        }
        if (!(dump instanceof RespValue.Bulk payload)) {
            throw new EmulationException("DUMP answered " + dump);
        }
        long expireAt = expireTime(from, fromSlot);
        if (expireAt == -2) {
            // expired between the two reads: the key is gone
            check(nodes.call(toSlot, List.of(Ascii.bytes("DEL"), to)));
            return;
        }
        check(nodes.call(toSlot, List.of(Ascii.bytes("RESTORE"), to, Ascii.bytes(Long.toString(Math.max(expireAt, 0))), payload.bytes(),
                Ascii.bytes("REPLACE"), Ascii.bytes("ABSTTL"))));
    }

    /** Absolute expiry in ms: -1 for none, -2 when the key is gone. PEXPIRETIME is 7.0+; PTTL serves older targets. */
    private long expireTime(byte[] key, int slot) throws IOException, InterruptedException, EmulationException {
        if (!noExpireTime) {
            RespValue r = nodes.call(slot, List.of(Ascii.bytes("PEXPIRETIME"), key));
            if (r instanceof RespValue.Integer i) {
                return i.value();
            }
            noExpireTime = true;
        }
        RespValue r = nodes.call(slot, List.of(Ascii.bytes("PTTL"), key));
        if (r instanceof RespValue.Integer i) {
            return i.value() < 0 ? i.value() : System.currentTimeMillis() + i.value();
        }
        throw new EmulationException("PTTL answered " + r);
    }

    private static void check(RespValue r) throws EmulationException {
        if (r instanceof RespValue.Error e) {
            throw new EmulationException("the target refused a copy: " + e.message());
        }
    }

    private byte[] scratch(int n) {
        return concat(scratchPrefix, Ascii.number(n));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The target refused part of an emulation: the worker must stop, the stream and the target disagree. */
    static final class EmulationException extends Exception {
        EmulationException(String message) {
            super(message);
        }
    }
}
