package io.slotferry.verify;

import io.slotferry.filter.KeyFilter;
import io.slotferry.translate.DbMapping;
import java.time.Duration;

/**
 * Settings of one verification.
 *
 * @param mode           counts, sample or full
 * @param mapping        where source databases went ({@code --db-map} of the run)
 * @param sample         keys compared per source in {@link VerifyMode#SAMPLE} (and about as many target keys)
 * @param ttlToleranceMs how far the remaining TTLs may differ (reads on two servers are not simultaneous)
 * @param maxOpsPerSource commands per second sent to each source (0 = no limit): verification must not hurt production
 * @param rechecks       how many times a key is compared before a difference counts (writes may be in flight)
 * @param recheckDelay   pause before each re-check, multiplied by the attempt number
 * @param chunk          elements per window of a big collection (LRANGE, HSCAN, SSCAN, ZSCAN, XRANGE, XPENDING)
 * @param batch          keys per SCAN page and per pipelined round trip
 * @param examples       differences of each kind kept for the report
 * @param connectTimeout connection timeout to each server
 * @param repair         {@code --repair}: copy every key found different again (null: only report)
 * @param ttlGraceMs     how far past the sources' the target's expiries are held by the run ({@code slotferry:ttl-grace},
 *                       read from the target by {@link Verifier}): taken off before TTLs are compared, added by a repair
 * @param filter         the run's key filter: keys it leaves out are neither compared nor reported missing or extra
 */
public record VerifyOptions(VerifyMode mode, DbMapping mapping, long sample, long ttlToleranceMs, long maxOpsPerSource,
        int rechecks, Duration recheckDelay, int chunk, int batch, int examples, Duration connectTimeout, RepairOptions repair, long ttlGraceMs,
        KeyFilter filter) {

    public VerifyOptions {
        if (ttlGraceMs < 0 || sample < 1 || ttlToleranceMs < 0 || maxOpsPerSource < 0 || rechecks < 1 || chunk < 1 || batch < 1 || examples < 0) {
            throw new IllegalArgumentException("verify options out of range: sample " + sample + ", ttl tolerance "
                    + ttlToleranceMs + ", max ops " + maxOpsPerSource + ", rechecks " + rechecks + ", chunk " + chunk
                    + ", batch " + batch + ", examples " + examples);
        }
    }

    /** Full comparison of db 0, 1 s TTL tolerance, 20,000 ops/s per source, 3 checks 0.5 s and 1 s apart, windows of 1000, 20 examples. */
    public static VerifyOptions defaults() {
        return new VerifyOptions(VerifyMode.FULL, DbMapping.defaults(), 10_000, 1_000, 20_000, 3, Duration.ofMillis(500),
                1_000, 500, 20, Duration.ofSeconds(10), null, 0, KeyFilter.NONE);
    }

    public VerifyOptions withMode(VerifyMode m) {
        return new VerifyOptions(m, mapping, sample, ttlToleranceMs, maxOpsPerSource, rechecks, recheckDelay, chunk, batch,
                examples, connectTimeout, repair, ttlGraceMs, filter);
    }

    public VerifyOptions withMapping(DbMapping m) {
        return new VerifyOptions(mode, m, sample, ttlToleranceMs, maxOpsPerSource, rechecks, recheckDelay, chunk, batch,
                examples, connectTimeout, repair, ttlGraceMs, filter);
    }

    public VerifyOptions withSample(long n) {
        return new VerifyOptions(mode, mapping, n, ttlToleranceMs, maxOpsPerSource, rechecks, recheckDelay, chunk, batch,
                examples, connectTimeout, repair, ttlGraceMs, filter);
    }

    public VerifyOptions withTtlToleranceMs(long ms) {
        return new VerifyOptions(mode, mapping, sample, ms, maxOpsPerSource, rechecks, recheckDelay, chunk, batch,
                examples, connectTimeout, repair, ttlGraceMs, filter);
    }

    public VerifyOptions withMaxOpsPerSource(long n) {
        return new VerifyOptions(mode, mapping, sample, ttlToleranceMs, n, rechecks, recheckDelay, chunk, batch,
                examples, connectTimeout, repair, ttlGraceMs, filter);
    }

    public VerifyOptions withExamples(int n) {
        return new VerifyOptions(mode, mapping, sample, ttlToleranceMs, maxOpsPerSource, rechecks, recheckDelay, chunk, batch,
                n, connectTimeout, repair, ttlGraceMs, filter);
    }

    public VerifyOptions withChunk(int n) {
        return new VerifyOptions(mode, mapping, sample, ttlToleranceMs, maxOpsPerSource, rechecks, recheckDelay, n, batch,
                examples, connectTimeout, repair, ttlGraceMs, filter);
    }

    public VerifyOptions withRechecks(int n, Duration delay) {
        return new VerifyOptions(mode, mapping, sample, ttlToleranceMs, maxOpsPerSource, n, delay, chunk, batch,
                examples, connectTimeout, repair, ttlGraceMs, filter);
    }

    /** With {@code --repair} ({@code r} null: report only). */
    public VerifyOptions withRepair(RepairOptions r) {
        return new VerifyOptions(mode, mapping, sample, ttlToleranceMs, maxOpsPerSource, rechecks, recheckDelay, chunk, batch,
                examples, connectTimeout, r, ttlGraceMs, filter);
    }

    /** With the target's recorded TTL grace ({@code slotferry:ttl-grace}, ms). */
    public VerifyOptions withTtlGraceMs(long ms) {
        return new VerifyOptions(mode, mapping, sample, ttlToleranceMs, maxOpsPerSource, rechecks, recheckDelay, chunk, batch,
                examples, connectTimeout, repair, ms, filter);
    }

    /** Compares only the keys {@code f} keeps (it counts those it leaves out). */
    public VerifyOptions withFilter(KeyFilter f) {
        return new VerifyOptions(mode, mapping, sample, ttlToleranceMs, maxOpsPerSource, rechecks, recheckDelay, chunk, batch,
                examples, connectTimeout, repair, ttlGraceMs, f);
    }
}
