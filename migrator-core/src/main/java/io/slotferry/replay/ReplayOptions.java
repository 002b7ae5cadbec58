package io.slotferry.replay;

import io.slotferry.translate.DbMapping;
import io.slotferry.write.DataErrorPolicy;
import java.util.Objects;

/**
 * How the stream is replayed.
 *
 * @param dbMapping          where each source database goes ({@code --db-map})
 * @param flush              what FLUSHDB/FLUSHALL do ({@code --flush})
 * @param forwardPublish     send PUBLISH to the target ({@code --forward-publish}); dropped and counted otherwise
 * @param ownership          which keys this source owns, for {@link FlushPolicy#DELETE_OWN_KEYS}
 * @param maxTransactionBytes a MULTI block is held until its EXEC; beyond this size the worker stops
 *                           instead of holding more (a source's transaction lives in its memory too)
 * @param crossSlotScripts   what a script whose keys span slots does ({@code --cross-slot-scripts})
 * @param onDataError        what a command the target cannot hold faithfully (a hash field TTL on a target without
 *                           them) does: stop, or skip it with a warning and a counter
 * @param exactlyOnce        writes that must not be applied twice carry an applied mark ({@link AppliedMarks}), so a
 *                           restart after a crash applies them once; off: faster, at-least-once after a crash
 * @param ttlGraceMillis     every expiry is written this much later than the source's while the migration runs, so the
 *                           target never expires a key before a lagging replay extends or uses it
 *                           ({@link io.slotferry.translate.ExpiryGrace}); 0: exact TTLs (and that race)
 */
public record ReplayOptions(DbMapping dbMapping, FlushPolicy flush, boolean forwardPublish,
                            KeyOwnership ownership, long maxTransactionBytes, DataErrorPolicy onDataError,
                            CrossSlotScripts crossSlotScripts, boolean exactlyOnce, long ttlGraceMillis) {
    public ReplayOptions {
        Objects.requireNonNull(dbMapping, "dbMapping");
        Objects.requireNonNull(flush, "flush");
        Objects.requireNonNull(ownership, "ownership");
        Objects.requireNonNull(onDataError, "onDataError");
        Objects.requireNonNull(crossSlotScripts, "crossSlotScripts");
    }

    /** Applied marks on or off ({@code --exactly-once}). */
    public ReplayOptions withExactlyOnce(boolean on) {
        return new ReplayOptions(dbMapping, flush, forwardPublish, ownership, maxTransactionBytes, onDataError, crossSlotScripts, on, ttlGraceMillis);
    }

    /** Database 0 only, FLUSH stops, PUBLISH dropped, cross-slot scripts stop, every key owned, 64 MiB transactions, exactly once after a crash. */
    public static ReplayOptions defaults() {
        return new ReplayOptions(DbMapping.defaults(), FlushPolicy.STOP, false, KeyOwnership.ALL, 64L << 20, DataErrorPolicy.STOP, CrossSlotScripts.STOP,
                true, 0);
    }

    /** Expiries held {@code millis} past the source's while streaming ({@code --ttl-grace}; 0: exact). */
    public ReplayOptions withTtlGrace(long millis) {
        return new ReplayOptions(dbMapping, flush, forwardPublish, ownership, maxTransactionBytes, onDataError, crossSlotScripts, exactlyOnce,
                millis);
    }

    public ReplayOptions withDbMapping(DbMapping m) {
        return new ReplayOptions(m, flush, forwardPublish, ownership, maxTransactionBytes, onDataError, crossSlotScripts, exactlyOnce, ttlGraceMillis);
    }

    public ReplayOptions withFlush(FlushPolicy f) {
        return new ReplayOptions(dbMapping, f, forwardPublish, ownership, maxTransactionBytes, onDataError, crossSlotScripts, exactlyOnce, ttlGraceMillis);
    }

    public ReplayOptions withForwardPublish(boolean forward) {
        return new ReplayOptions(dbMapping, flush, forward, ownership, maxTransactionBytes, onDataError, crossSlotScripts, exactlyOnce, ttlGraceMillis);
    }

    public ReplayOptions withOwnership(KeyOwnership o) {
        return new ReplayOptions(dbMapping, flush, forwardPublish, o, maxTransactionBytes, onDataError, crossSlotScripts, exactlyOnce, ttlGraceMillis);
    }

    public ReplayOptions withDataErrors(DataErrorPolicy policy) {
        return new ReplayOptions(dbMapping, flush, forwardPublish, ownership, maxTransactionBytes, policy, crossSlotScripts, exactlyOnce, ttlGraceMillis);
    }

    public ReplayOptions withCrossSlotScripts(CrossSlotScripts scripts) {
        return new ReplayOptions(dbMapping, flush, forwardPublish, ownership, maxTransactionBytes, onDataError, scripts, exactlyOnce, ttlGraceMillis);
    }
}
