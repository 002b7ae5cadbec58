package io.slotferry.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.source.SourceSpec;
import io.slotferry.translate.DbMapping;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.RestoreParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** {@link Verifier} between two standalone servers: re-checks, vanished keys, db mappings, windows, sampling. */
@ExtendWith(RealServers.class)
class VerifierIT {

    private static VerifyOptions full() {
        return VerifyOptions.defaults().withMaxOpsPerSource(0).withRechecks(3, Duration.ofMillis(200));
    }

    private static VerifyReport verify(StandaloneRedis source, StandaloneRedis target, VerifyOptions options) throws Exception {
        return Verifier.run(List.of(new SourceSpec.Live(source.uri(), RedisEndpoint.plain(source.host(), source.port()))),
                RedisEndpoint.plain(target.host(), target.port()), options);
    }

    /** DUMP/RESTORE of every key of source db {@code db} into target db 0 under {@code prefix + key}. */
    private static void copy(StandaloneRedis source, int db, String prefix, StandaloneRedis target) {
        try (Jedis s = source.jedis(); Jedis t = target.jedis()) {
            s.select(db);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<byte[]> page = s.scan(cursor.getBytes(StandardCharsets.US_ASCII), new ScanParams().count(500));
                cursor = page.getCursor();
                for (byte[] k : page.getResult()) {
                    long ttl = s.pttl(k);
                    byte[] name = (prefix + new String(k, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
                    t.restore(name, Math.max(0, ttl), s.dump(k), RestoreParams.restoreParams().replace());
                }
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }

    @Test
    void aValueThatCatchesUpDuringTheRechecksIsNotADifferenceButOneThatStaysIs(StandaloneRedis source) throws Exception {
        try (StandaloneRedis target = StandaloneRedis.start(); Jedis s = source.jedis(); Jedis t = target.jedis()) {
            s.hset("h", "f", "new");
            t.hset("h", "f", "old");
            VerifyReport stays = verify(source, target, full());
            assertEquals(1, stays.total(DiffKind.VALUE), stays.toString());
            assertTrue(stays.examples().get(0).detail().contains("source \"new\", target \"old\""), stays.toString());

            Thread late = new Thread(() -> {
                try (Jedis writer = target.jedis()) {
                    Thread.sleep(250);
                    writer.hset("h", "f", "new");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            late.start();
            VerifyReport caughtUp = verify(source, target, full());
            late.join();
            assertTrue(caughtUp.clean(), caughtUp.toString());
            assertEquals(1, caughtUp.instances().get(0).found());
        }
    }

    /** Rewrites {@code key} every 50 ms on the source, and on the target too when {@code alsoTarget}, until stopped. */
    private static Thread rewriting(StandaloneRedis source, StandaloneRedis target, boolean alsoTarget, AtomicBoolean on) {
        Thread t = new Thread(() -> {
            try (Jedis s = source.jedis(); Jedis tg = target.jedis()) {
                for (int i = 0; on.get(); i++) {
                    s.set("hot", "s" + i);
                    if (alsoTarget) {
                        tg.set("hot", "t" + i);
                    }
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        return t;
    }

    @Test
    void aKeyRewrittenOnBothSidesBetweenEveryRecheckIsBusyNotADifference(StandaloneRedis source) throws Exception {
        try (StandaloneRedis target = StandaloneRedis.start()) {
            AtomicBoolean on = new AtomicBoolean(true);
            Thread writer = rewriting(source, target, true, on);
            Thread.sleep(100);
            VerifyReport r;
            try {
                r = verify(source, target, full());
            } finally {
                on.set(false);
                writer.join();
            }
            assertTrue(r.clean(), r.toString());
            assertEquals(1, r.instances().get(0).busy(), r.toString());
            assertTrue(r.busy().get(0).detail().startsWith("still being written on both sides"), r.toString());
        }
    }

    @Test
    void aKeyThatMovesOnlyOnTheSourceWhileTheTargetStaysBehindIsADifference(StandaloneRedis source) throws Exception {
        try (StandaloneRedis target = StandaloneRedis.start(); Jedis t = target.jedis()) {
            t.set("hot", "stale");
            AtomicBoolean on = new AtomicBoolean(true);
            Thread writer = rewriting(source, target, false, on);
            Thread.sleep(100);
            VerifyReport r;
            try {
                r = verify(source, target, full());
            } finally {
                on.set(false);
                writer.join();
            }
            assertEquals(1, r.total(DiffKind.VALUE), r.toString());
            assertEquals(0, r.instances().get(0).busy(), r.toString());
        }
    }

    @Test
    void aSourceKeyThatExpiresWhileComparedIsNotADifference(StandaloneRedis source) throws Exception {
        try (StandaloneRedis target = StandaloneRedis.start(); Jedis s = source.jedis()) {
            s.set("stays", "1");
            s.psetex("short-lived", 300, "never copied");
            copy(source, 0, "", target);
            try (Jedis t = target.jedis()) {
                t.del("short-lived");
            }
            VerifyReport r = verify(source, target, full());
            assertTrue(r.clean(), r.toString());
            assertEquals(1, r.instances().get(0).vanished(), r.toString());
            assertEquals(1, r.instances().get(0).found(), r.toString());
        }
    }

    @Test
    void thePrefixMappingFindsDatabaseKeysUnderTheirPrefixAndNamesAnExtraKeysSourceHome(StandaloneRedis source)
            throws Exception {
        try (StandaloneRedis target = StandaloneRedis.start(); Jedis s = source.jedis()) {
            s.set("a", "zero");
            s.select(3);
            s.set("b", "three");
            s.expire("b", 600);
            copy(source, 0, "", target);
            copy(source, 3, "3:", target);
            VerifyOptions prefix = full().withMapping(DbMapping.parse("prefix"));
            VerifyReport clean = verify(source, target, prefix);
            assertTrue(clean.clean(), clean.toString());
            assertEquals(2, clean.instances().get(0).found());

            try (Jedis t = target.jedis()) {
                t.set("3:orphan", "x");
            }
            VerifyReport extra = verify(source, target, prefix);
            assertEquals(1, extra.total(DiffKind.EXTRA), extra.toString());
            Difference d = extra.examples().get(0);
            assertEquals(3, d.db());
            assertArrayEquals("orphan".getBytes(StandardCharsets.US_ASCII), d.sourceKey());

            VerifyReport counts = verify(source, target, prefix.withMode(VerifyMode.COUNTS));
            assertEquals(2, counts.buckets().size(), counts.toString());
            TargetBucket db3 = counts.buckets().get(1);
            assertEquals(1, db3.expected(), counts.toString());
            assertEquals(2, db3.found(), counts.toString());
            assertEquals(1, counts.instances().get(0).dbs().get(1).withExpiry(), counts.toString());
            assertTrue(!counts.clean() && db3.explanation().contains("1 more keys on the target"), db3.explanation());
        }
    }

    @Test
    void bigValuesAreComparedInWindowsAndADifferenceDeepInsideIsFound(StandaloneRedis source) throws Exception {
        try (StandaloneRedis target = StandaloneRedis.start(); Jedis s = source.jedis()) {
            s.set("bigstring".getBytes(StandardCharsets.US_ASCII), new byte[200_000]);
            for (int i = 0; i < 3000; i++) {
                s.sadd("bigset", "m" + i);
                s.rpush("biglist", "e" + i);
                s.zadd("bigzset", i, "z" + i);
            }
            copy(source, 0, "", target);
            VerifyReport clean = verify(source, target, full());
            assertTrue(clean.clean(), clean.toString());
            try (Jedis t = target.jedis()) {
                t.srem("bigset", "m2999");
                t.sadd("bigset", "intruder");
                t.lset("biglist", 2500, "changed");
                t.setrange("bigstring", 150_000, "x");
                t.zadd("bigzset", 0.5, "z2222");
            }
            VerifyReport r = verify(source, target, full());
            assertEquals(4, r.total(DiffKind.VALUE), r.toString());
            Set<String> details = new java.util.HashSet<>();
            for (Difference d : r.examples()) {
                details.add(d.shownKey() + " " + d.detail());
            }
            assertTrue(details.contains("\"bigset\" member \"m2999\" is not on the target"), details.toString());
            assertTrue(details.contains("\"biglist\" element 2500: source \"e2500\", target \"changed\""), details.toString());
            assertTrue(details.contains("\"bigstring\" bytes differ from offset 150000"), details.toString());
            assertTrue(details.contains("\"bigzset\" member \"z2222\": source score \"2222\", target score \"0.5\""), details.toString());
        }
    }

    @Test
    void anEmptyTargetIsReportedKeyByKeyWithoutAPausePerKey(StandaloneRedis source) throws Exception {
        try (StandaloneRedis target = StandaloneRedis.start(); Jedis s = source.jedis(); Jedis t = target.jedis()) {
            for (int i = 0; i < 3000; i++) {
                s.set("k" + i, "v");
                t.set("only-target-" + i, "x");
            }
            long start = System.nanoTime();
            VerifyReport r = verify(source, target, full());
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals(3000, r.total(DiffKind.MISSING), r.toString());
            assertEquals(3000, r.total(DiffKind.EXTRA), r.toString());
            assertEquals(20, r.examples().stream().filter(d -> d.kind() == DiffKind.MISSING).count());
            // re-check pauses are per page (500 keys), and stop once 1000 differences are confirmed
            assertTrue(seconds < 20, seconds + " s");
        }
    }

    @Test
    void sampleModeComparesAboutTheAskedNumberOfKeys(StandaloneRedis source) throws Exception {
        try (StandaloneRedis target = StandaloneRedis.start(); Jedis s = source.jedis()) {
            for (int i = 0; i < 3000; i++) {
                s.set("k" + i, "v" + i);
            }
            copy(source, 0, "", target);
            VerifyReport r = verify(source, target, full().withMode(VerifyMode.SAMPLE).withSample(200));
            assertTrue(r.clean(), r.toString());
            long compared = r.instances().get(0).expected();
            assertTrue(compared > 100 && compared <= 200, "compared " + compared);
            assertTrue(r.targetKeys() > 100 && r.targetKeys() < 400, "target keys " + r.targetKeys());
        }
    }
}
