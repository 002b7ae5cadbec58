package io.slotferry.replay;

import io.slotferry.command.KeyRef;
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

/**
 * Runs a command whose keys span slots (RENAME, SMOVE, LMOVE, SUNIONSTORE, BITOP, COPY, ...) so that the
 * target ends where the source did. The writer is drained first, so the target holds the stream's state
 * at this command. Each key is copied ({@code DUMP} + its absolute expiry, {@code RESTORE ... ABSTTL}) to a
 * scratch key in one slot ({@code {slotferry:emulation}:N}); the command runs there unchanged but for
 * its key names, by the server's own code; every key it may write is copied back (or deleted, when the
 * command left it absent), with its TTL; the scratch keys are deleted.
 *
 * <p>Memory: one value at a time (one DUMP payload). Scratch keys left by a crash are replaced by the
 * next emulation before use.
 */
final class CrossSlotEmulation {
    private static final byte[] SCRATCH = "{slotferry:emulation}:".getBytes(StandardCharsets.US_ASCII);
    private static final int SCRATCH_SLOT = HashSlot.of(SCRATCH);

    private final TargetNodes nodes;
    private boolean noExpireTime;

    CrossSlotEmulation(TargetNodes nodes) {
        this.nodes = nodes;
    }

    /** Emulates {@code argv} whose keys are {@code keys}; returns the command's reply on the scratch keys. */
    RespValue run(List<byte[]> argv, List<KeyRef> keys) throws IOException, InterruptedException, EmulationException {
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
        try {
            for (Map.Entry<String, byte[]> e : scratchOf.entrySet()) {
                copy(realOf.get(e.getKey()), e.getValue());
            }
            RespValue reply = nodes.call(SCRATCH_SLOT, rewritten);
            if (reply instanceof RespValue.Error err) {
                throw new EmulationException("the target refused the emulated command: " + err.message());
            }
            for (Map.Entry<String, byte[]> e : scratchOf.entrySet()) {
                if (written.get(e.getKey())) {
                    copy(e.getValue(), realOf.get(e.getKey()));
                }
            }
            return reply;
        } finally {
            List<byte[]> del = new ArrayList<>();
            del.add(ascii("DEL"));
            del.addAll(scratchOf.values());
            nodes.call(SCRATCH_SLOT, del);
        }
    }

    /** Makes {@code to} hold what {@code from} holds (value and expiry), or deletes it when {@code from} is absent. */
    void copy(byte[] from, byte[] to) throws IOException, InterruptedException, EmulationException {
        int fromSlot = HashSlot.of(from);
        int toSlot = HashSlot.of(to);
        RespValue dump = nodes.call(fromSlot, List.of(ascii("DUMP"), from));
        if (dump instanceof RespValue.Bulk b && b.bytes() == null) {
            check(nodes.call(toSlot, List.of(ascii("DEL"), to)));
            return;
        }
        if (!(dump instanceof RespValue.Bulk payload)) {
            throw new EmulationException("DUMP answered " + dump);
        }
        long expireAt = expireTime(from, fromSlot);
        if (expireAt == -2) {
            // expired between the two reads: the key is gone
            check(nodes.call(toSlot, List.of(ascii("DEL"), to)));
            return;
        }
        check(nodes.call(toSlot, List.of(ascii("RESTORE"), to, ascii(Long.toString(Math.max(expireAt, 0))), payload.bytes(),
                ascii("REPLACE"), ascii("ABSTTL"))));
    }

    /** Absolute expiry in ms: -1 for none, -2 when the key is gone. PEXPIRETIME is 7.0+; PTTL serves older targets. */
    private long expireTime(byte[] key, int slot) throws IOException, InterruptedException, EmulationException {
        if (!noExpireTime) {
            RespValue r = nodes.call(slot, List.of(ascii("PEXPIRETIME"), key));
            if (r instanceof RespValue.Integer i) {
                return i.value();
            }
            noExpireTime = true;
        }
        RespValue r = nodes.call(slot, List.of(ascii("PTTL"), key));
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

    private static byte[] scratch(int n) {
        byte[] suffix = Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(SCRATCH, SCRATCH.length + suffix.length);
        System.arraycopy(suffix, 0, out, SCRATCH.length, suffix.length);
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The target refused part of an emulation: the worker must stop, the stream and the target disagree. */
    static final class EmulationException extends Exception {
        EmulationException(String message) {
            super(message);
        }
    }
}
