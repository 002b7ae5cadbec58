package io.slotferry.verify;

import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.source.Keyspace;
import io.slotferry.source.SourceSpec;
import io.slotferry.translate.DbMapping;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The forward pass of one source instance: one thread SCANs each mapped database and hands the
 * pages to {@link #LANES} lanes, each a {@link ForwardPass} with connections of its own, so the
 * round trips of several pages overlap (a page's three rounds wait on both sides in turn). The
 * queue between them holds at most two pages per lane: memory stays bounded. Every connection to
 * the source shares its {@link SourceBudget}.
 */
final class ForwardScan {
    static final int LANES = 4;
    private static final byte[] EMPTY = new byte[0];

    private record Page(int db, List<byte[]> keys) {
    }

    private static final Page END = new Page(-1, List.of());

    private ForwardScan() {
    }

    static InstanceResult run(SourceSpec.Live spec, SourceBudget budget, VerifyOptions options, Findings findings,
            RedisEndpoint target) throws IOException, InterruptedException {
        DbMapping mapping = options.mapping();
        Map<Integer, Long> dbs = Keyspace.keysPerDb(spec.endpoint(), options.connectTimeout());
        InstanceTally total = new InstanceTally();
        long mappedKeys = 0;
        for (Map.Entry<Integer, Long> e : dbs.entrySet()) {
            if (mapping.targetKey(e.getKey(), EMPTY) != null) {
                mappedKeys += e.getValue();
            } else {
                total.unmapped += e.getValue();
            }
        }
        double p = options.mode() == VerifyMode.SAMPLE ? Math.min(1.0, (double) options.sample() / Math.max(1, mappedKeys)) : 1.0;
        SplittableRandom random = new SplittableRandom(spec.name().hashCode());
        BlockingQueue<Page> pages = new ArrayBlockingQueue<>(2 * LANES);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<ForwardPass> lanes = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < LANES; i++) {
            ForwardPass lane = new ForwardPass(spec, options, findings);
            lanes.add(lane);
            Thread t = new Thread(() -> {
                try (SourceNode source = SourceNode.open(spec, budget, options.connectTimeout());
                        TargetReads reads = TargetReads.open(target, options.connectTimeout())) {
                    for (Page page = pages.take(); page != END; page = pages.take()) {
                        lane.page(source, reads, page.db(), page.keys());
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "slotferry-verify " + spec.name() + " lane " + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try (SourceNode scanner = SourceNode.open(spec, budget, options.connectTimeout())) {
            long compared = 0;
            scan:
            for (int db : dbs.keySet()) {
                if (mapping.targetKey(db, EMPTY) == null) {
                    continue;
                }
                scanner.select(db);
                String cursor = "0";
                do {
                    List<byte[]> argv = Request.of("SCAN", cursor, "COUNT", options.batch());
                    List<RespValue> page = Reply.items(scanner.call(argv), argv);
                    cursor = ValueCompare.cursorOf(page);
                    List<byte[]> keys = new ArrayList<>();
                    for (RespValue k : Reply.items(page.get(1), argv)) {
                        if (p >= 1.0 || random.nextDouble() < p) {
                            keys.add(ValueCompare.bulk(k));
                        }
                    }
                    if (options.mode() == VerifyMode.SAMPLE && compared + keys.size() > options.sample()) {
                        keys = keys.subList(0, (int) (options.sample() - compared));
                    }
                    compared += keys.size();
                    if (!keys.isEmpty()) {
                        hand(pages, new Page(db, keys), failure);
                    }
                    if (options.mode() == VerifyMode.SAMPLE && compared >= options.sample()) {
                        break scan;
                    }
                } while (!cursor.equals("0"));
            }
        } finally {
            for (int i = 0; i < LANES; i++) {
                hand(pages, END, failure);
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        if (failure.get() != null) {
            Verifier.rethrow(failure.get());
        }
        for (ForwardPass lane : lanes) {
            total.add(lane.tally());
        }
        return total.result(spec.name(), true);
    }

    /** Queues a page, giving up once a lane failed (its error is thrown after the lanes end). */
    private static void hand(BlockingQueue<Page> pages, Page page, AtomicReference<Throwable> failure) throws InterruptedException {
        while (!pages.offer(page, 100, TimeUnit.MILLISECONDS)) {
            if (failure.get() != null) {
                pages.clear(); // the lanes still running take END next
                pages.offer(page);
                return;
            }
        }
    }
}
