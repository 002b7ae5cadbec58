package io.slotferry.verify;

import io.slotferry.replay.ToolKeys;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.source.Keyspace;
import io.slotferry.source.SourceSpec;
import io.slotferry.write.TargetNodes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code migrate verify}: compares the sources with the target. One thread per source (each with
 * its own connections, under the source's rate limit), and, in sample and full mode, the reverse
 * pass over the target on a thread of its own at the same time. Differences are reported, not thrown; exceptions mean verification itself failed.
 */
public final class Verifier {
    private Verifier() {
    }

    /**
     * Runs one verification.
     *
     * @throws VerifyException when a server refuses a read verify needs (ACL, unknown command)
     * @throws IOException     when a server cannot be reached
     */
    public static VerifyReport run(List<SourceSpec.Live> sources, RedisEndpoint target, VerifyOptions asked)
            throws IOException, InterruptedException {
        VerifyOptions options = asked.withTtlGraceMs(ttlGrace(target, asked));
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("verify needs at least one source");
        }
        if (options.filter().active() && options.mode() == VerifyMode.COUNTS) {
            throw new IllegalArgumentException("--mode counts compares key counts, which include the keys the filters leave"
                    + " out: use --mode sample or full with --include/--exclude/--types");
        }
        if (options.repair() != null && options.mode() == VerifyMode.COUNTS) {
            throw new IllegalArgumentException("--repair compares key by key: use --mode sample or full");
        }
        long start = System.currentTimeMillis();
        Findings findings = new Findings(options.examples());
        Map<String, SourceBudget> budgets = SourceBudget.of(sources, options.maxOpsPerSource());
        if (options.mode() == VerifyMode.COUNTS) {
            ExpiryWindow window = new ExpiryWindow(start);
            List<InstanceResult> instances = inParallel(sources, s -> KeyCounts.source(s, budgets.get(s.name()), options, window));
            Map<Integer, Long> found = KeyCounts.target(target, options);
            long end = System.currentTimeMillis();
            Map<Integer, Long> expected = new TreeMap<>();
            for (InstanceResult r : instances) {
                for (InstanceResult.DbCount c : r.dbs()) {
                    if (c.mapped() > 0) {
                        expected.merge(KeyCounts.bucketOf(options.mapping(), c.db()), c.mapped(), Long::sum);
                    }
                }
            }
            Set<Integer> all = new TreeSet<>(expected.keySet());
            all.addAll(found.keySet());
            List<TargetBucket> buckets = new ArrayList<>();
            long targetKeys = 0;
            for (int b : all) {
                long f = found.getOrDefault(b, 0L);
                targetKeys += f;
                buckets.add(new TargetBucket(KeyCounts.bucketName(options.mapping(), b), b, expected.getOrDefault(b, 0L),
                        window.expiredBy(b, end), f));
            }
            return new VerifyReport(options.mode(), instances, buckets, targetKeys, findings.totals(), findings.examples(),
                    List.of(), end - start, null);
        }
        Set<Integer> sourceDbs = new TreeSet<>();
        for (SourceSpec.Live s : sources) {
            sourceDbs.addAll(Keyspace.keysPerDb(s.endpoint(), options.connectTimeout()).keySet());
        }
        // The reverse pass reads only the target and EXISTS on the sources: it runs beside the forward
        // passes (sharing each source's --max-ops budget), so verification takes the longer of the two.
        ExecutorService reverse = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "slotferry-verify-reverse");
            t.setDaemon(true);
            return t;
        });
        List<InstanceResult> instances;
        long targetKeys;
        try {
            Future<Long> walked = reverse.submit(() -> new ReversePass(sources, budgets, options, findings, sourceDbs).run(target));
            instances = inParallel(sources, s -> ForwardScan.run(s, budgets.get(s.name()), options, findings, target));
            targetKeys = await(walked);
        } finally {
            reverse.shutdownNow();
        }
        return new VerifyReport(options.mode(), instances, List.of(), targetKeys, findings.totals(), findings.examples(),
                findings.busyExamples(), System.currentTimeMillis() - start, options.repair() == null ? null : findings.repairReport());
    }

    /** The run's hold on the target's expiries ({@code slotferry:ttl-grace}; 0 when none is recorded). */
    private static long ttlGrace(RedisEndpoint target, VerifyOptions options) throws IOException, InterruptedException {
        try (TargetNodes nodes = TargetNodes.open(target, options.connectTimeout())) {
            return ToolKeys.ttlGrace(nodes);
        }
    }

    private static <T> T await(Future<T> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            rethrow(e.getCause());
            throw new IllegalStateException("unreachable");
        }
    }

    /** Throws what a pass thread failed with, as what it is (an I/O error stays one). */
    static void rethrow(Throwable cause) throws IOException, InterruptedException {
        if (cause instanceof IOException io) {
            throw io;
        }
        if (cause instanceof InterruptedException ie) {
            throw ie;
        }
        if (cause instanceof RuntimeException re) {
            throw re;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("a verify pass failed: " + cause, cause);
    }

    /** One pass per source, each on its own thread. */
    private interface Pass {
        InstanceResult run(SourceSpec.Live source) throws IOException, InterruptedException;
    }

    private static List<InstanceResult> inParallel(List<SourceSpec.Live> sources, Pass pass)
            throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(sources.size(), r -> {
            Thread t = new Thread(r, "slotferry-verify");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<InstanceResult>> futures = new ArrayList<>();
            for (SourceSpec.Live s : sources) {
                Callable<InstanceResult> c = () -> pass.run(s);
                futures.add(pool.submit(c));
            }
            List<InstanceResult> out = new ArrayList<>();
            for (Future<InstanceResult> f : futures) {
                out.add(await(f));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
