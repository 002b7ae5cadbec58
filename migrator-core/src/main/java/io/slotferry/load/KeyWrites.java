package io.slotferry.load;

import io.slotferry.routing.HashSlot;
import io.slotferry.write.Write;
import io.slotferry.write.WriteException;
import io.slotferry.write.WriteSink;
import java.util.ArrayList;
import java.util.List;

/**
 * The writes of one key on the rewrite path. The first write starts with {@code DEL key}, so the key
 * replaces whatever the target had, and that also makes the first write safe to re-send. The latest
 * write is held back until the next one (or the end) comes, so the key's {@code PEXPIREAT} joins the
 * transaction of its last write: the key never exists on the target without its TTL once loaded, and a
 * TTL that passed meanwhile deletes it instead of leaving a key that should not exist.
 *
 * <p>Holds at most one write back, so memory stays at two chunks of one key.
 */
final class KeyWrites {
    private final WriteSink sink;
    private final byte[] key;
    private final int slot;
    private final long sourceOffset;
    private List<List<byte[]>> held;
    private Write.Probe heldProbe;
    private boolean started;
    private boolean submitted;

    KeyWrites(WriteSink sink, byte[] key, long sourceOffset) {
        this.sink = sink;
        this.key = key;
        this.slot = HashSlot.of(key);
        this.sourceOffset = sourceOffset;
    }

    /** True until the first write was added; the next write is the one that starts with DEL. */
    boolean first() {
        return !started;
    }

    /**
     * Adds a write of {@code commands} (nothing when empty). {@code probe} tells whether it was applied
     * when it is not idempotent; it is dropped for the first write, which DEL makes idempotent.
     */
    void add(List<List<byte[]>> commands, Write.Probe probe) throws WriteException, InterruptedException {
        if (commands.isEmpty()) {
            return;
        }
        flushHeld();
        if (!started) {
            started = true;
            List<List<byte[]>> withDel = new ArrayList<>(commands.size() + 2);
            withDel.add(Argv.of("DEL", key).build());
            withDel.addAll(commands);
            held = withDel;
            heldProbe = null;
        } else {
            held = new ArrayList<>(commands);
            heldProbe = probe;
        }
    }

    /** Submits the last write with the key's absolute expiry (-1: none); it completes the key. */
    void finish(long expireAtMs) throws WriteException, InterruptedException {
        List<List<byte[]>> last = held != null ? held : new ArrayList<>();
        if (!started) {
            last.add(Argv.of("DEL", key).build()); // nothing to write (an empty value): the key must not exist
        } else if (expireAtMs >= 0) {
            last.add(Argv.of("PEXPIREAT", key).add(expireAtMs).build());
        }
        held = null;
        submit(last, heldProbe, 1);
    }

    /** The key failed: drops the held write and deletes what was already written of it. */
    void abandon() throws WriteException, InterruptedException {
        held = null;
        if (submitted) {
            submit(List.of(Argv.of("DEL", key).build()), null, 0);
        }
    }

    private void flushHeld() throws WriteException, InterruptedException {
        if (held != null) {
            submit(held, heldProbe, 0);
            held = null;
        }
    }

    private void submit(List<List<byte[]>> commands, Write.Probe probe, int completesKeys)
            throws WriteException, InterruptedException {
        sink.submit(new Write(slot, key, commands, sourceOffset, probe, completesKeys));
        submitted = true;
    }
}
