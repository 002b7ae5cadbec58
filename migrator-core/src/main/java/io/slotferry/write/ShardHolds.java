package io.slotferry.write;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The writes one primary holds back, so that a fault can never reorder them (guarded by the
 * pipeline's lock):
 * <ul>
 *   <li>per slot: after a transient fault the failed write and every later write of its slot are
 *       re-sent, in order, once the pipeline has drained;</li>
 *   <li>per key: one non-idempotent (length-probed) write per key is in flight; the key's next one
 *       waits for its answer.</li>
 * </ul>
 */
final class ShardHolds {
    private final List<Pending> retry = new ArrayList<>();
    private final Set<Integer> retrySlots = new HashSet<>();
    private String retryReason;
    /** Keys with a non-idempotent write sent and not answered: the key's next such write waits for it. */
    private final Set<ByteBuffer> unansweredKeys = new HashSet<>();

    /** True while failed writes wait to be re-sent. */
    boolean retrying() {
        return !retry.isEmpty();
    }

    /** {@code p} met a transient fault ({@code reason}): it, and every later write of its slot, are re-sent. */
    void retry(Pending p, String reason) {
        retry.add(p);
        retrySlots.add(p.write.slot());
        retryReason = reason;
    }

    /** True when an earlier write of {@code slot} failed and will be re-sent: later ones follow it. */
    boolean slotHeld(int slot) {
        return retrySlots.contains(slot);
    }

    /** {@code p} follows an earlier failed write of its slot. */
    void follow(Pending p) {
        retry.add(p);
    }

    /** Why the first of the writes to re-send failed. */
    String retryReason() {
        return retryReason;
    }

    /** The writes to re-send, in order; the slot holds are lifted. */
    List<Pending> takeRetries() {
        List<Pending> again = new ArrayList<>(retry);
        retry.clear();
        retrySlots.clear();
        retryReason = null;
        return again;
    }

    /** True when {@code w} must wait: a non-idempotent write of its key is in flight. */
    boolean keyBusy(Write w) {
        return w.probe() instanceof Write.Probe.Length && unansweredKeys.contains(ByteBuffer.wrap(w.key()));
    }

    /** Claims {@code w}'s key for a non-idempotent write about to be sent; false when it is busy. */
    boolean claimKey(Write w) {
        return !(w.probe() instanceof Write.Probe.Length) || unansweredKeys.add(ByteBuffer.wrap(w.key()));
    }

    /** {@code w} is answered: its key's next non-idempotent write may go; true when it held its key. */
    boolean releaseKey(Write w) {
        if (w.probe() instanceof Write.Probe.Length) {
            unansweredKeys.remove(ByteBuffer.wrap(w.key()));
            return true;
        }
        return false;
    }

    /** The connection was lost: every hold is lifted; returns the writes that waited to be re-sent. */
    List<Pending> clear() {
        unansweredKeys.clear();
        return takeRetries();
    }
}
