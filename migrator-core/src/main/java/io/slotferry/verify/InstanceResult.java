package io.slotferry.verify;

import java.util.List;

/**
 * What verify found for one source instance. In {@link VerifyMode#COUNTS} only the key counts are
 * filled ({@code dbs}); in sample and full mode the comparison counters.
 *
 * @param source    the instance's name
 * @param dbs       keys per source database, from a SCAN
 * @param expected  keys compared that the mapping sends to the target (in sample mode: the sample)
 * @param found     of those, on the target
 * @param missing   of those, not on the target
 * @param typeDiffs on both sides as different types
 * @param valueDiffs same type, different value
 * @param ttlDiffs  same value, TTLs differ beyond the tolerance
 * @param vanished  source keys deleted or expired while verify ran (not differences)
 * @param busy      keys that differed at every attempt while both sides changed between attempts: still being
 *                  written, with the copy following behind (counted in {@code found}, not a difference)
 * @param unmapped  source keys the mapping sends nowhere (other databases with {@code only:N})
 */
public record InstanceResult(String source, List<DbCount> dbs, long expected, long found, long missing, long typeDiffs,
        long valueDiffs, long ttlDiffs, long vanished, long busy, long unmapped) {

    /**
     * Keys of one source database, counted by SCAN.
     *
     * @param db          the database number
     * @param keys        keys seen
     * @param withExpiry  of those, with a TTL
     * @param mapped      of those, sent to the target by the mapping
     */
    public record DbCount(int db, long keys, long withExpiry, long mapped) {
    }

    /** Differences of this instance (extra keys are counted for the target as a whole). */
    public long differences() {
        return missing + typeDiffs + valueDiffs + ttlDiffs;
    }
}
