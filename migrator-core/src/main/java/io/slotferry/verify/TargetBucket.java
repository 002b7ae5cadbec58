package io.slotferry.verify;

/**
 * Counts mode: the keys of one mapped destination (a source database, or all of them with
 * {@code merge}) expected on the target against the keys found there.
 *
 * @param name             e.g. {@code db 0}, {@code db 3 (prefix "3:")}, {@code all databases (merge)}
 * @param sourceDb         the source database (-1 for merge)
 * @param expected         keys the sources hold for it, as counted
 * @param expiredDuringRun of those, keys whose TTL ran out between the source count and the end of the target count
 * @param found            keys on the target for it
 */
public record TargetBucket(String name, int sourceDb, long expected, long expiredDuringRun, long found) {

    /** Keys neither found nor explained by expiry (negative: more on the target than the sources hold). */
    public long unexplained() {
        if (found <= expected && found >= expected - expiredDuringRun) {
            return 0;
        }
        return found > expected ? expected - found : expected - expiredDuringRun - found;
    }

    /** One sentence: expected, found, and the difference explained. */
    public String explanation() {
        long diff = expected - found;
        if (diff == 0) {
            return "all " + expected + " keys found";
        }
        if (unexplained() == 0) {
            return diff + " fewer keys on the target, explained by keys whose TTL ran out during the run (up to "
                    + expiredDuringRun + ")";
        }
        if (found > expected) {
            return (found - expected) + " more keys on the target than on the sources (extra keys, or writes during the run)";
        }
        return unexplained() + " keys missing on the target beyond the " + expiredDuringRun + " that expired during the run";
    }
}
