package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.command.CommandTable;
import io.slotferry.fixture.Await;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.fixture.TwemproxyFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.params.ScanParams;

/**
 * The exactly-once proof, generative: a seeded {@link Workload} over every write command the source
 * knows (three databases, MULTI, scripts, FLUSHDB) runs against a real redis-server while {@code migrate
 * run}, as its own process, copies it into the TLS + ACL fixture cluster and is killed with SIGKILL at
 * random moments (during the snapshot, mid-stream, right after a checkpoint, inside a burst of writes
 * that are not replay-safe) and started again each time; one target primary fails over and the source
 * drops the replica link once per seed. At the end writes stop, the run reaches ready_for_cutover and
 * stops, {@code migrate finish} runs, and every key of the source is compared, independently of
 * {@code migrate verify}, with the target: type, value, expiry; no key of the migrator may be left.
 *
 * <p>Short form here ({@code slotferry.chaos.seeds}, {@code .kills}, {@code .seed}, {@code .rate} as
 * system properties); bench/chaos.sh runs the long form. Each seed prints one result line.
 */
@ExtendWith(RealServers.class)
class CrashLoopIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern OFFSET = Pattern.compile("master_repl_offset:(\\d+)");
    private static final int SEEDS = Integer.getInteger("slotferry.chaos.seeds", 1);
    private static final int KILLS = Integer.getInteger("slotferry.chaos.kills", 3);
    private static final long FIRST_SEED = Long.getLong("slotferry.chaos.seed", 20261207L);
    private static final int RATE = Integer.getInteger("slotferry.chaos.rate", 1500);
    private static final int PROXY_SEEDS = Integer.getInteger("slotferry.chaos.proxy-seeds", 1);
    private static final Duration WAIT = Duration.ofSeconds(Long.getLong("slotferry.chaos.wait-seconds", 120));

    private final StandaloneRedis source;
    private final RedisClusterFixture cluster;
    private Workload workload;
    private Sources sources;
    private String targetUri;

    @TempDir
    Path dir;

    CrashLoopIT(StandaloneRedis source, RedisClusterFixture cluster) {
        this.source = source;
        this.cluster = cluster;
    }

    @Test
    void theTargetEndsEqualToTheSourceThroughKillsAFailoverAndALinkKillForEverySeed() throws Exception {
        for (int s = 0; s < SEEDS; s++) {
            runSeed(FIRST_SEED + s, new Standalone());
        }
    }

    @Test
    void theTargetEndsEqualToTheBackendsOfATwemproxyPoolUnderAProxiedWorkloadThroughKills(TwemproxyFixture proxy) throws Exception {
        for (int s = 0; s < PROXY_SEEDS; s++) {
            runSeed(FIRST_SEED + 1000 + s, new Proxied(proxy));
        }
    }

    /** Where the workload writes, what `migrate run` copies, and what the target must equal. */
    private interface Sources {
        /** Empties the sources and returns the workload of {@code seed}, with something written for the first snapshot. */
        Workload prepare(long seed);

        /** A connection the workload writes through. */
        Jedis writer();

        /** The `migrate run` options naming the sources. */
        List<String> runArgs();

        /** The instances `migrate run` replicates (one worker each). */
        List<StandaloneRedis> instances();

        /** What the target must hold at the end, as the target names keys. */
        Map<String, KeyspaceView.Entry> expected();
    }

    /** A standalone redis-server: every write command it knows, three databases, MULTI, scripts, FLUSHDB. */
    private final class Standalone implements Sources {
        @Override
        public Workload prepare(long seed) {
            source.flushAll();
            try (Jedis j = source.jedis()) {
                j.configSet("repl-backlog-size", "64mb"); // restarts resume by partial resync
                j.configSet("repl-diskless-sync-delay", "0");
                j.functionFlush();
                Workload w = new Workload(seed, Workload.knownWrites(CommandTable.load(), j), false, System.currentTimeMillis());
                w.prepare(j);
                for (int i = 0; i < 3000; i++) {
                    w.step(j); // something for the first snapshot
                }
                return w;
            }
        }

        @Override
        public Jedis writer() {
            return source.jedis();
        }

        @Override
        public List<String> runArgs() {
            return List.of("--source", source.uri(), "--db-map", "prefix", "--flush", "delete-own-keys", "--cross-slot-scripts", "emulate");
        }

        @Override
        public List<StandaloneRedis> instances() {
            return List.of(source);
        }

        @Override
        public Map<String, KeyspaceView.Entry> expected() {
            try (Jedis j = source.jedis()) {
                return KeyspaceView.ofDatabases(j, 3);
            }
        }
    }

    /** A Twemproxy pool of three backends: the proxied cache mix ({@link Workload#THROUGH_TWEMPROXY}) through nutcracker. */
    private final class Proxied implements Sources {
        private final TwemproxyFixture proxy;

        Proxied(TwemproxyFixture proxy) {
            this.proxy = proxy;
        }

        @Override
        public Workload prepare(long seed) {
            for (StandaloneRedis b : proxy.backends()) {
                b.flushAll();
                try (Jedis j = b.jedis()) {
                    j.configSet("repl-backlog-size", "64mb");
                    j.configSet("repl-diskless-sync-delay", "0");
                }
            }
            Workload w = Workload.throughTwemproxy(seed, System.currentTimeMillis());
            try (Jedis j = writer()) {
                for (int i = 0; i < 3000; i++) {
                    w.step(j);
                }
            }
            return w;
        }

        @Override
        public Jedis writer() {
            return new Jedis(proxy.host(), proxy.proxyPort());
        }

        @Override
        public List<String> runArgs() {
            return List.of("--source", "twemproxy:" + proxy.configFile());
        }

        @Override
        public List<StandaloneRedis> instances() {
            return proxy.backends();
        }

        @Override
        public Map<String, KeyspaceView.Entry> expected() {
            List<Jedis> backends = new ArrayList<>();
            proxy.backends().forEach(b -> backends.add(b.jedis()));
            return KeyspaceView.ofClosing(backends);
        }
    }

    /** How one kill was placed in a run, for the result line. */
    private enum Moment { SNAPSHOT, STREAMING, AFTER_CHECKPOINT, UNSAFE_BURST }

    private void runSeed(long seed, Sources sources) throws Exception {
        this.sources = sources;
        cluster.heal();
        cluster.flushAll();
        ClusterNode seedNode = cluster.masters().get(0);
        targetUri = "rediss://" + cluster.aclUser() + "@" + seedNode.host() + ":" + seedNode.port();
        String keep = System.getProperty("slotferry.chaos.keep"); // a directory that outlives the test: logs, state
        Path run = Files.createDirectories((keep == null ? dir : Path.of(keep)).resolve("seed-" + seed + "-" + System.nanoTime()));
        workload = sources.prepare(seed);
        Random chaos = new Random(seed * 31 + 7);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicBoolean burst = new AtomicBoolean();
        List<Throwable> writerFailure = new ArrayList<>();
        Thread writer = new Thread(() -> {
            try (Jedis j = sources.writer(); Jedis b = sources.writer()) {
                while (writing.get()) {
                    if (burst.getAndSet(false)) {
                        for (int i = 0; i < 400; i++) {
                            b.incr("wl:{g1}:burst:n");
                            b.rpush("wl:{g1}:burst:l", Integer.toString(i));
                        }
                    }
                    workload.run(j, 50, RATE);
                }
            } catch (Throwable t) {
                writerFailure.add(t);
            }
        }, "workload-" + seed);
        writer.start();

        int fullSyncsAfterSnapshot = 0;
        int partialResyncs = 0;
        List<Moment> moments = new ArrayList<>();
        boolean failedOver = false;
        boolean linkKilled = false;
        try {
            for (int k = 0; k < KILLS; k++) {
                boolean resumesStreaming = checkpointPhase(run).equals("STREAMING");
                MigrateProcess p = start(run, "run-" + k);
                Moment m = Moment.values()[chaos.nextInt(Moment.values().length)];
                if (m == Moment.SNAPSHOT && !resumesStreaming) {
                    Thread.sleep(300 + chaos.nextInt(1200));
                } else {
                    JsonNode s = awaitStatus(run, p, "streaming", w -> w.get("phase").asText().equals("STREAMING"));
                    if (resumesStreaming) {
                        fullSyncsAfterSnapshot += sum(s, "full_syncs");
                    }
                    partialResyncs += sum(s, "partial_resyncs");
                    if (!failedOver && k >= 1) {
                        failedOver = true;
                        ClusterNode replica = cluster.replicas().get(chaos.nextInt(cluster.replicas().size()));
                        cluster.failover(replica.index());
                    } else if (!linkKilled && k >= 2) {
                        linkKilled = true;
                        try (Jedis admin = sources.instances().get(0).jedis()) {
                            admin.clientKill(ClientKillParams.clientKillParams().type(ClientType.REPLICA));
                        }
                    }
                    switch (m) {
                        case AFTER_CHECKPOINT -> {
                            Path c = checkpointFile(run);
                            long before = Files.getLastModifiedTime(c).toMillis();
                            Await.until("a new checkpoint", WAIT, () -> modified(c) > before);
                        }
                        case UNSAFE_BURST -> {
                            burst.set(true);
                            Thread.sleep(20 + chaos.nextInt(60));
                        }
                        default -> Thread.sleep(200 + chaos.nextInt(2500));
                    }
                }
                moments.add(m);
                assertTrue(p.alive(), "migrate run stopped by itself (seed " + seed + "):\n" + p.output());
                p.kill();
            }
            boolean resumesStreaming = checkpointPhase(run).equals("STREAMING");
            MigrateProcess last = start(run, "run-final");
            JsonNode streaming = awaitStatus(run, last, "streaming", w -> w.get("phase").asText().equals("STREAMING"));
            if (resumesStreaming) {
                fullSyncsAfterSnapshot += sum(streaming, "full_syncs");
            }
            Thread.sleep(1000);
            writing.set(false);
            writer.join();
            assertTrue(writerFailure.isEmpty(), "the workload failed: " + writerFailure);
            Map<Integer, Long> offsets = masterOffsets();
            JsonNode end = awaitStatus(run, last, "caught up with the sources' offsets " + offsets,
                    w -> w.get("lag_bytes").asLong() == 0 && w.get("applied_offset").asLong() >= offsets.get(port(w)));
            Await.until("ready_for_cutover", WAIT, () -> readStatus(run).get("ready_for_cutover").asBoolean());
            assertEquals(0, last.terminate(30), "SIGTERM ends the run with exit 0:\n" + last.output());
            partialResyncs += sum(end, "partial_resyncs");
            MigrateProcess finish = MigrateProcess.start(run.resolve("finish.log"), env(), "finish", "--state-dir",
                    run.resolve("state").toString(), "--target", targetUri(), "--target-cacert", cluster.caCertFile().toString());
            assertTrue(finish.waitFor(60) == 0, "migrate finish:\n" + finish.output());
        } finally {
            writing.set(false);
            writer.join();
        }

        Map<String, KeyspaceView.Entry> expected = sources.expected();
        Map<String, KeyspaceView.Entry> actual = KeyspaceView.ofCluster(cluster);
        List<String> differences = KeyspaceView.differences(expected, actual, 2000);
        long toolKeys = toolKeys();
        System.out.printf("crash loop: seed %d, %d kills %s, failover %s, link kill %s, %d partial resyncs, %d full syncs after a"
                        + " completed snapshot, %d commands sent, %d keys compared, %d differences, %d tool keys left%n", seed, KILLS,
                moments, failedOver, linkKilled, partialResyncs, fullSyncsAfterSnapshot, workload.sent(), expected.size(),
                differences.size(), toolKeys);
        if (!differences.isEmpty()) {
            String first = differences.get(0);
            Matcher named = Pattern.compile("^(?:missing|extra|value of|expiry of) (.+?)(?:: expected.*)?$").matcher(first);
            String key = named.find() ? named.group(1) : first;
            throw new AssertionError("seed " + seed + ": " + differences.size() + " differences; first: " + first
                    + "\ncommands that touched " + key + ": " + workload.history(key)
                    + "\nall (first 20): " + differences.subList(0, Math.min(20, differences.size())));
        }
        assertEquals(0, toolKeys, "seed " + seed + ": keys of the migrator left after migrate finish");
        assertEquals(0, fullSyncsAfterSnapshot, "seed " + seed + ": a restart after a completed snapshot took a new one");
        assertTrue(expected.size() > 100, "seed " + seed + ": the workload left only " + expected.size() + " keys");
    }

    private Map<String, String> env() {
        return Map.of("MIGRATE_TARGET_PASSWORD", cluster.aclPassword());
    }

    /** The target as every run of a seed names it: one seed node, whatever role a failover gives it (a configuration endpoint). */
    private String targetUri() {
        return targetUri;
    }

    private MigrateProcess start(Path run, String name) throws IOException {
        Files.deleteIfExists(run.resolve("status.json")); // what is read next is this process's
        List<String> args = new ArrayList<>(List.of("run", "--target", targetUri(), "--target-cacert", cluster.caCertFile().toString(),
                "--state-dir", run.resolve("state").toString(), "--status-file", run.resolve("status.json").toString()));
        args.addAll(sources.runArgs());
        return MigrateProcess.start(run.resolve(name + ".log"), env(), args.toArray(new String[0]));
    }

    /** The newest checkpoint file (any instance's: each is rewritten every second while streaming). */
    private static Path checkpointFile(Path run) throws IOException {
        try (var files = Files.list(run.resolve("state"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("checkpoint-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no checkpoint in " + run));
        }
    }

    /** STREAMING when every instance has a streaming checkpoint (its restart must not take a snapshot). */
    private String checkpointPhase(Path run) throws IOException {
        if (!Files.isDirectory(run.resolve("state"))) {
            return "NONE";
        }
        int streaming = 0;
        try (var files = Files.list(run.resolve("state"))) {
            for (Path c : files.filter(f -> f.getFileName().toString().startsWith("checkpoint-")).toList()) {
                if (JSON.readTree(c.toFile()).get("phase").asText().equals("STREAMING")) {
                    streaming++;
                }
            }
        }
        return streaming == sources.instances().size() ? "STREAMING" : "NOT ALL STREAMING";
    }

    private static int sum(JsonNode status, String field) {
        int n = 0;
        for (JsonNode w : status.get("workers")) {
            n += w.get(field).asInt();
        }
        return n;
    }

    /** The port in a worker's source name, or of the Twemproxy backend it names (shardN). */
    private int port(JsonNode worker) {
        String name = worker.get("source").asText();
        List<StandaloneRedis> instances = sources.instances();
        for (int i = 0; i < instances.size(); i++) {
            if (name.endsWith(":" + instances.get(i).port()) || name.endsWith("/" + TwemproxyFixture.backendName(i))) {
                return instances.get(i).port();
            }
        }
        throw new AssertionError("no instance for worker " + name);
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static JsonNode readStatus(Path run) {
        try {
            return JSON.readTree(run.resolve("status.json").toFile());
        } catch (IOException e) {
            return JSON.createObjectNode().put("ready_for_cutover", false);
        }
    }

    private JsonNode awaitStatus(Path run, MigrateProcess p, String what, Predicate<JsonNode> worker) {
        JsonNode[] last = new JsonNode[1];
        Await.until(what, WAIT, () -> {
            if (!p.alive()) {
                throw new AssertionError("migrate run exited (" + run + "):\n" + p.output() + explain(p.output()));
            }
            JsonNode s = readStatus(run);
            if (!s.has("workers") || s.get("workers").size() != sources.instances().size()) {
                return false;
            }
            last[0] = s;
            for (JsonNode w : s.get("workers")) {
                if (!worker.test(w)) {
                    return false;
                }
            }
            return true;
        });
        return last[0];
    }

    /** The commands that touched the first workload key a failure message names. */
    private String explain(String output) {
        Matcher m = Pattern.compile("key \"([^\"]+)\"|(wl:[^ ]+)").matcher(output);
        return m.find() ? "\ncommands that touched " + (m.group(1) != null ? m.group(1) : m.group(2)) + ": "
                + workload.history(m.group(1) != null ? m.group(1) : m.group(2)) : "";
    }

    /** Each instance's master_repl_offset, by port. */
    private Map<Integer, Long> masterOffsets() {
        Map<Integer, Long> out = new HashMap<>();
        for (StandaloneRedis instance : sources.instances()) {
            try (Jedis j = instance.jedis()) {
                Matcher m = OFFSET.matcher(j.info("replication"));
                assertTrue(m.find());
                out.put(instance.port(), Long.parseLong(m.group(1)));
            }
        }
        return out;
    }

    private long toolKeys() {
        long n = 0;
        for (ClusterNode m : cluster.masters()) {
            try (Jedis j = cluster.jedis(m)) {
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    var page = j.scan(cursor, new ScanParams().match("slotferry:*").count(1000));
                    n += page.getResult().size();
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
        }
        return n;
    }
}
