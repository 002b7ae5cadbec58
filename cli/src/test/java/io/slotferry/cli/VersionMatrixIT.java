package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.fixture.Await;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.CodisFixture;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisBuilds;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.SetParams;

/**
 * A live {@code migrate run --source redis://...} (as a process) from each source version present
 * ({@link RedisBuilds}: Debian's redis-server, plus the builds of {@code SLOTFERRY_REDIS_BUILDS}, plus a
 * standalone codis-server when {@code SLOTFERRY_CODIS_HOME} names a Codis build)
 * into the TLS + ACL cluster, under a mixed write workload in databases 0 and 2
 * ({@code --db-map prefix}): strings, counters, floats on keys with a TTL, hashes, lists, sets,
 * sorted sets, long TTLs, short TTLs that expire during the run, PERSIST and DEL. Writes stop, the
 * run reaches ready_for_cutover, and every key of the source (type, value, expiry within 1.5 s)
 * must be on the target. Each version is a test of its own; a summary of all versions is printed
 * at the end (and written to {@code target/version-matrix.txt}).
 */
@ExtendWith(RealServers.class)
class VersionMatrixIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** How long the workload runs once the source streams. */
    private static final Duration STREAMED_WRITES = Duration.ofSeconds(8);
    private static final int OTHER_DB = 2;

    /** The builds, plus codis-server when SLOTFERRY_CODIS_HOME names a Codis build. */
    private static final List<RedisBuilds.Build> MATRIX = new ArrayList<>();
    private static final List<String> SKIPPED = new ArrayList<>();
    private static final Map<String, String> RESULTS = new LinkedHashMap<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void listBuilds() {
        RedisBuilds.Listing builds = RedisBuilds.list();
        MATRIX.addAll(builds.builds());
        SKIPPED.addAll(builds.skipped());
        Path codis = CodisFixture.binDirectory();
        if (codis == null) {
            SKIPPED.add("codis-server 3.2: " + CodisFixture.HOME_VARIABLE + " is not set");
            System.out.print(builds.report() + "[RedisBuilds] skipped: " + SKIPPED.get(SKIPPED.size() - 1) + "\n");
        } else {
            RedisBuilds.Build b = RedisBuilds.identify(codis.resolve("codis-server"));
            MATRIX.add(new RedisBuilds.Build("codis-server", b.version(), b.server()));
            System.out.print(builds.report() + "[RedisBuilds] runs:    " + MATRIX.get(MATRIX.size() - 1) + "\n");
        }
    }

    @AfterAll
    static void summary() throws IOException {
        StringBuilder out = new StringBuilder("version matrix (live migrate run, mixed workload, --db-map prefix):\n");
        synchronized (RESULTS) {
            RESULTS.forEach((version, result) -> out.append("  ").append(version).append(": ").append(result).append('\n'));
        }
        SKIPPED.forEach(s -> out.append("  skipped: ").append(s).append('\n'));
        System.out.print(out);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("version-matrix.txt"), out, StandardCharsets.UTF_8);
        }
    }

    @TestFactory
    Stream<DynamicTest> aLiveMigrationFromEverySourceVersionPresentEndsEqualToTheMaster(RedisClusterFixture cluster) {
        return MATRIX.stream().map(b -> DynamicTest.dynamicTest(
                "a live migration from " + b.name() + " ends equal to the master", () -> migrate(b, cluster)));
    }

    private void migrate(RedisBuilds.Build build, RedisClusterFixture cluster) throws Exception {
        cluster.flushAll();
        Path work = Files.createDirectories(dir.resolve(build.name().replace(' ', '-')));
        String result;
        try (StandaloneRedis source = build.start()) {
            result = migrateFrom(build, source, cluster, work);
        } catch (AssertionError | RuntimeException e) {
            result = "FAILED: " + e.getMessage();
            record(build, result);
            throw e;
        }
        record(build, result);
        assertTrue(result.startsWith("OK"), build.name() + ": " + result);
    }

    private static void record(RedisBuilds.Build build, String result) {
        synchronized (RESULTS) {
            RESULTS.put(build.name(), result.length() > 2000 ? result.substring(0, 2000) + "..." : result);
        }
    }

    private String migrateFrom(RedisBuilds.Build build, StandaloneRedis source, RedisClusterFixture cluster, Path work)
            throws Exception {
        seed(source);
        ClusterNode seedNode = cluster.masters().get(0);
        String[] args = {"run", "--source", source.uri(), "--db-map", "prefix",
            "--target", "rediss://" + cluster.aclUser() + "@" + seedNode.host() + ":" + seedNode.port(),
            "--target-cacert", cluster.caCertFile().toString(), "--state-dir", work.resolve("state").toString(),
            "--status-file", work.resolve("status.json").toString()};
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread traffic = workload(source, running, writes, failure);
        try (MigrateProcess run = MigrateProcess.start(work.resolve("run.log"),
                Map.of("MIGRATE_TARGET_PASSWORD", cluster.aclPassword()), args)) {
            awaitStatus(run, work, "the source streams under writes",
                    s -> s.path("workers").size() == 1 && s.get("workers").get(0).path("phase").asText().equals("STREAMING"));
            long streamingFrom = writes.get();
            Thread.sleep(STREAMED_WRITES.toMillis());
            running.set(false);
            traffic.join(10_000);
            if (failure.get() != null) {
                throw new AssertionError("the workload on " + build.name() + " failed: " + failure.get(), failure.get());
            }
            long streamedWrites = writes.get() - streamingFrom;
            awaitStatus(run, work, "ready for cutover after the writes stopped", s -> s.get("ready_for_cutover").asBoolean());
            List<String> diff = new ArrayList<>();
            try {
                Await.until("the target equals the source", Duration.ofSeconds(30), () -> {
                    diff.clear();
                    diff.addAll(KeyspaceView.differences(sourceView(source), KeyspaceView.ofCluster(cluster), 1500));
                    return diff.isEmpty();
                });
            } catch (IllegalStateException e) {
                return diff.size() + " differences after ready_for_cutover (" + writes.get() + " workload rounds, " + streamedWrites
                        + " while streaming): " + kinds(diff) + "; first " + diff.subList(0, Math.min(8, diff.size()));
            } finally {
                run.terminate(30);
            }
            return "OK, 0 differences (" + sourceView(source).size() + " keys, " + writes.get() + " workload rounds of 13-16 writes, "
                    + streamedWrites + " while streaming)";
        } catch (IllegalStateException | AssertionError e) {
            // A run that exited or never got ready: its own output says why.
            String out = Files.exists(work.resolve("run.log")) ? Files.readString(work.resolve("run.log")) : "";
            throw new AssertionError(e.getMessage().lines().findFirst().orElse("") + "\n--- migrate run output (tail) ---\n"
                    + tail(out, 3000), e);
        } finally {
            running.set(false);
            traffic.join(10_000);
        }
    }

    /** The differences counted by kind and key family: {@code 25 x expiry of 2:f:N}. */
    static String kinds(List<String> differences) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String d : differences) {
            int colon = d.indexOf(": expected");
            String head = colon < 0 ? d : d.substring(0, colon);
            counts.merge(head.replaceAll("\\d+$", "N"), 1, Integer::sum);
        }
        List<String> out = new ArrayList<>();
        counts.forEach((k, n) -> out.add(n + " x " + k));
        return String.join(", ", out);
    }

    private static String tail(String s, int chars) {
        return s.length() <= chars ? s : s.substring(s.length() - chars);
    }

    private JsonNode awaitStatus(MigrateProcess p, Path work, String what, Predicate<JsonNode> condition) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Await.until(what, WAIT, () -> {
            if (!p.alive()) {
                throw new AssertionError("migrate run exited while waiting until " + what);
            }
            Path file = work.resolve("status.json");
            if (!Files.exists(file)) {
                return false;
            }
            try {
                JsonNode s = JSON.readTree(file.toFile());
                last.set(s);
                return condition.test(s);
            } catch (IOException e) {
                throw new AssertionError("the status file is not valid JSON", e);
            }
        }, () -> "last status: " + last.get());
        return last.get();
    }

    /** Every key of the source as the target should hold it: db 0 as is, db N's key k as N:k ({@code --db-map prefix}). */
    private static Map<String, KeyspaceView.Entry> sourceView(StandaloneRedis source) {
        Map<String, KeyspaceView.Entry> out = new TreeMap<>();
        for (int db : new int[] {0, OTHER_DB}) {
            try (Jedis j = source.jedis()) {
                j.select(db);
                KeyspaceView.of(List.of(j)).forEach((k, v) -> out.put(db == 0 ? k : db + ":" + k, v));
            }
        }
        return out;
    }

    /** Commands every version from 2.8 on knows (one field per HSET, one member per ZADD). */
    private static void seed(StandaloneRedis source) {
        for (int db : new int[] {0, OTHER_DB}) {
            try (Jedis j = source.jedis()) {
                j.select(db);
                Pipeline p = j.pipelined();
                int keys = db == 0 ? 2000 : 500;
                for (int i = 0; i < keys; i++) {
                    switch (i % 7) {
                        case 0 -> p.set("s:" + i, "v" + i);
                        case 1 -> {
                            p.hset("h:" + i, "a", "1");
                            p.hset("h:" + i, "b", "x" + i);
                        }
                        case 2 -> p.rpush("l:" + i, "x", "y", "z" + i);
                        case 3 -> p.sadd("set:" + i, "m1", "m2");
                        case 4 -> p.zadd("z:" + i, i, "member");
                        case 5 -> p.psetex("ttl:" + i, 600_000, "expiring");
                        default -> p.set("f:" + i, "1.5", SetParams.setParams().px(600_000));
                    }
                    if (i % 500 == 499) {
                        p.sync();
                    }
                }
                p.sync();
            }
        }
    }

    /**
     * Mixed writes until stopped, alternating databases 0 and 2: new keys, counters, floats on keys
     * with a TTL (INCRBYFLOAT), hash fields, list pushes and pops, set and sorted-set members, long
     * TTLs, short TTLs that expire while the run streams, PERSIST before expiry, and deletes.
     */
    private static Thread workload(StandaloneRedis source, AtomicBoolean running, AtomicLong done,
            AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try (Jedis db0 = source.jedis(); Jedis other = source.jedis()) {
                other.select(OTHER_DB);
                for (long i = 0; running.get(); i++) {
                    Jedis j = i % 2 == 0 ? db0 : other;
                    j.set("live:" + i, "v" + i);
                    j.incr("counter:" + (i % 10));
                    j.incrByFloat("f:" + (i % 50 * 7 + 6), 0.25);
                    j.hset("h:" + (i % 40 * 7 + 1), "live", Long.toString(i));
                    j.hincrBy("h:8", "n", 1);
                    j.lpush("pushed:" + (i % 7), "e" + i);
                    if (i % 3 == 0) {
                        j.rpop("pushed:" + (i % 7));
                    }
                    j.sadd("set:3", "live" + (i % 50));
                    j.srem("set:3", "live" + ((i + 25) % 50));
                    j.zincrby("z:4", 1, "m" + (i % 5));
                    if (i % 5 == 0) {
                        j.pexpire("live:" + i, 300_000);
                    }
                    if (i % 4 == 0) {
                        j.psetex("short:" + i, 500 + i % 2500, "gone soon");
                    }
                    if (i % 16 == 8) {
                        j.persist("short:" + (i - 4));
                    }
                    if (i % 11 == 0) {
                        j.del("s:" + (i * 7 % 490));
                    }
                    done.incrementAndGet();
                    Thread.sleep(2);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "source-workload");
        t.start();
        return t;
    }
}
