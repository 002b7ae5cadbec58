package io.slotferry.cli;

import static io.slotferry.fixture.Bulk.latin1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.fixture.Await;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.Dataset;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * {@code migrate run --source scan:redis://...} from a source whose user may not replicate (ACL {@code -sync -psync
 * -replconf}) into the TLS + ACL cluster, under concurrent writes: the keys nobody wrote during the walk arrive exact,
 * the target holds no key the source never had; once the writes stop, a second run (the walk again, RESTORE REPLACE)
 * leaves the target equal to the source and {@code migrate verify} exits 0. With keyspace notifications on the source,
 * one run follows deletes, renames, expiries and new keys after its walk (and walks again when its subscription is
 * killed) until the target equals the source once the writes stop.
 */
@ExtendWith(RealServers.class)
class ScanRunIT {
    private static final String USER = "copier";
    private static final String PASSWORD = "copier-pw";
    private static final int HOT_KEYS = 1500;
    private static final ProtocolCommand PSYNC = () -> "PSYNC".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();

    private int migrate(String... args) {
        CommandLine cl = Migrate.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        return cl.execute(args);
    }

    /** {@code command --source scan:... --target <cluster>} with both passwords from files, then {@code more}. */
    private String[] args(String command, StandaloneRedis source, RedisClusterFixture cluster, String... more) throws Exception {
        Path sourcePw = Files.writeString(dir.resolve("source-pw"), PASSWORD + "\n", StandardCharsets.UTF_8);
        Path targetPw = Files.writeString(dir.resolve("target-pw"), cluster.aclPassword() + "\n", StandardCharsets.UTF_8);
        ClusterNode seed = cluster.masters().get(0);
        List<String> a = new ArrayList<>(List.of(command,
                "--source", "scan:redis://" + USER + "@" + source.host() + ":" + source.port(),
                "--source-password-file", sourcePw.toString(),
                "--target", "rediss://" + cluster.aclUser() + "@" + seed.host() + ":" + seed.port(),
                "--target-cacert", cluster.caCertFile().toString(), "--target-password-file", targetPw.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** One seeded write to a hot key of some type: overwrites, grows, creates new keys, changes TTLs; never deletes. */
    private static void write(Pipeline p, Random r) {
        write(p, r, 6);
    }

    /** As {@link #write(Pipeline, Random)}; with {@code kinds} 9 also DEL, RENAME and a short-lived TTL. */
    private static void write(Pipeline p, Random r, int kinds) {
        String key = "hot:" + r.nextInt(HOT_KEYS + HOT_KEYS / 3); // a third of the names do not exist before the run
        switch (r.nextInt(kinds)) {
            case 0 -> p.set(key + ":s", "v" + r.nextInt(1_000_000));
            case 1 -> p.hset(key + ":h", "f" + r.nextInt(20), "x" + r.nextInt(100));
            case 2 -> p.rpush(key + ":l", "e" + r.nextInt(100));
            case 3 -> p.zadd(key + ":z", r.nextInt(1000), "m" + r.nextInt(30));
            case 4 -> p.sadd(key + ":t", "m" + r.nextInt(30));
            case 5 -> p.pexpire(key + ":s", 3_600_000L + r.nextInt(3_600_000));
            case 6 -> p.del(key + ":h", key + ":t");
            case 7 -> p.renamenx(key + ":l", "hot:" + r.nextInt(HOT_KEYS) + ":l"); // an error reply when it is missing
            default -> p.pexpire(key + ":z", 50 + r.nextInt(500)); // expires on both sides, or soon after
        }
    }

    private static Map<String, KeyspaceView.Entry> keys(StandaloneRedis source) {
        try (Jedis j = source.jedis()) {
            return KeyspaceView.of(List.of(j));
        }
    }

    @Test
    void withKeyspaceNotificationsTheCopyFollowsDeletesRenamesAndNewKeysAfterItsWalkAndMatchesOnceWritesStop(
            RedisClusterFixture cluster) throws Exception {
        cluster.flushAll();
        long seed = Long.getLong("slotferry.seed", 18L);
        try (StandaloneRedis source = StandaloneRedis.start()) {
            try (Jedis j = source.jedis()) {
                new Dataset(seed).write(j, 0, 20);
                Random r = new Random(seed);
                Pipeline p = j.pipelined();
                for (int i = 0; i < 3 * HOT_KEYS; i++) {
                    write(p, r);
                }
                p.sync();
                j.configSet("notify-keyspace-events", "AE"); // the operator's setting: the run only reads it
                j.aclSetUser(USER, "reset", "on", ">" + PASSWORD, "~*", "&*", "+@all", "-sync", "-psync", "-replconf");
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicBoolean paused = new AtomicBoolean();
            AtomicBoolean writerIdle = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            Thread writer = new Thread(() -> {
                Random r = new Random(seed + 2);
                try (Jedis j = source.jedis()) {
                    while (writing.get()) {
                        writerIdle.set(paused.get());
                        if (paused.get()) {
                            Thread.sleep(5);
                            continue;
                        }
                        Pipeline p = j.pipelined();
                        for (int i = 0; i < 20; i++) {
                            write(p, r, 9);
                        }
                        p.set("new:" + writes.get(), "created during the run");
                        p.syncAndReturnAll(); // RENAMENX of a missing key is an error reply, not a failure
                        writes.addAndGet(21);
                        Thread.sleep(2);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Path status = dir.resolve("status.json");
            writer.start();
            String[] args = args("run", source, cluster, "--state-dir", dir.resolve("state").toString(),
                    "--status-file", status.toString(), "--progress-interval", "200ms");
            try (MigrateProcess run = MigrateProcess.start(dir.resolve("run.log"), Map.of(), args)) {
                try {
                    Await.until("following changes", Duration.ofSeconds(60), () -> phase(status).equals("STREAMING"));
                    long after = writes.get();
                    Await.until("writes after the walk", Duration.ofSeconds(30), () -> writes.get() > after + 1000);
                    // A dropped subscription: its events are lost, so the copy walks again. The writes pause meanwhile,
                    // and the short TTLs all pass first (a SCAN expires them), as a key deleted or expired between the
                    // drop and the new subscription stays on the target (a documented limit).
                    paused.set(true);
                    Await.until("the writer paused", Duration.ofSeconds(10), () -> writerIdle.get());
                    Thread.sleep(600);
                    keys(source);
                    Thread.sleep(300); // their notifications are read
                    try (Jedis j = source.jedis()) {
                        assertEquals(1, j.clientKill(new ClientKillParams().type(ClientType.PUBSUB)));
                    }
                    Await.until("a walk again", Duration.ofSeconds(30), () -> run.output().contains("walking again from the start"));
                    Await.until("subscribed again", Duration.ofSeconds(10), () -> subscribers(source) == 1);
                    paused.set(false);
                    long again = writes.get();
                    Await.until("writes after the second walk", Duration.ofSeconds(30), () -> writes.get() > again + 1000);
                } finally {
                    writing.set(false);
                    writer.join();
                }
                Await.until("the target equal to the source once the writes stopped", Duration.ofSeconds(60),
                        () -> differences(source, cluster).isEmpty(), () -> differences(source, cluster) + "\n" + run.output());
                assertEquals(0, migrate(args("verify", source, cluster, "--mode", "full")), out.toString());
                assertTrue(!Files.readString(status).contains("\"ready_for_cutover\" : true"),
                        "a scan copy never says it is ready for the cutover");
                assertEquals(0, run.terminate(30), run.output());
                assertTrue(run.output().contains("following changes by keyspace notifications"), run.output());
            }
        }
    }

    @Test
    void aUserThatMayNotReadTheConfigFollowsChangesOnlyWhenTheOperatorTrustsTheNotifications(RedisClusterFixture cluster)
            throws Exception {
        cluster.flushAll();
        try (StandaloneRedis source = StandaloneRedis.start()) {
            try (Jedis j = source.jedis()) {
                new Dataset(19L).write(j, 0, 5);
                j.configSet("notify-keyspace-events", "AE"); // set by the service's own parameters, as on ElastiCache
                j.aclSetUser(USER, "reset", "on", ">" + PASSWORD, "~*", "&*", "+@all", "-sync", "-psync", "-replconf", "-config");
            }
            Path status = dir.resolve("status.json");
            String[] args = args("run", source, cluster, "--state-dir", dir.resolve("state").toString(),
                    "--status-file", status.toString(), "--progress-interval", "200ms", "--scan-notifications", "trust");
            try (MigrateProcess run = MigrateProcess.start(dir.resolve("run.log"), Map.of(), args)) {
                Await.until("following changes", Duration.ofSeconds(60), () -> phase(status).equals("STREAMING"));
                try (Jedis j = source.jedis()) {
                    j.set("after:walk", "followed");
                    j.del(j.randomKey());
                }
                Await.until("the target equal to the source", Duration.ofSeconds(30),
                        () -> differences(source, cluster).isEmpty(), () -> differences(source, cluster) + "\n" + run.output());
                assertEquals(0, run.terminate(30), run.output());
                assertTrue(run.output().contains("following changes by keyspace notifications"), run.output());
            }

            out.getBuffer().setLength(0);
            assertEquals(0, migrate(args("plan", source, cluster)), out.toString());
            assertTrue(out.toString().contains("changes after the walk are not followed: CONFIG GET notify-keyspace-events answered"
                    + " NOPERM") && out.toString().contains("--scan-notifications trust follows them"), out.toString());
            out.getBuffer().setLength(0);
            migrate(args("plan", source, cluster, "--scan-notifications", "trust"));
            assertTrue(out.toString().contains("keyspace notifications name every changed key"), out.toString());
        }
    }

    /** How the cluster differs from the source (at most 20 lines). */
    private static List<String> differences(StandaloneRedis source, RedisClusterFixture cluster) {
        List<String> out = KeyspaceView.differences(keys(source), KeyspaceView.ofCluster(cluster), 1500);
        return out.size() > 20 ? out.subList(0, 20) : out;
    }

    /** Pattern subscriptions on {@code source} (the copy's keyevent subscription). */
    private static long subscribers(StandaloneRedis source) {
        try (Jedis j = source.jedis()) {
            return j.pubsubNumPat();
        }
    }

    private static String phase(Path status) {
        try {
            return Files.exists(status) ? new ObjectMapper().readTree(status.toFile()).get("workers").get(0).get("phase").asText() : "";
        } catch (java.io.IOException e) {
            return ""; // being written
        }
    }

    @Test
    void aScanCopyUnderWritesKeepsItsGuaranteesAndOneAfterTheWritesLeavesTheClusterEqualToTheSource(
            RedisClusterFixture cluster) throws Exception {
        cluster.flushAll();
        try (StandaloneRedis source = StandaloneRedis.start()) { // its own: the ACL user stays with it
            copiesUnderWrites(source, cluster, Long.getLong("slotferry.seed", 18L));
        }
    }

    private void copiesUnderWrites(StandaloneRedis source, RedisClusterFixture cluster, long seed) throws Exception {
        Set<String> cold = new TreeSet<>();
        try (Jedis j = source.jedis()) {
            for (Dataset.Written w : new Dataset(seed).write(j, 0, 40)) {
                cold.add(latin1(w.key()));
            }
            Random r = new Random(seed);
            Pipeline p = j.pipelined();
            for (int i = 0; i < 3 * HOT_KEYS; i++) {
                write(p, r);
            }
            p.sync();
            j.aclSetUser(USER, "reset", "on", ">" + PASSWORD, "~*", "&*", "+@all", "-sync", "-psync", "-replconf");
        }
        try (Jedis copier = new Jedis(source.host(), source.port())) {
            copier.auth(USER, PASSWORD);
            JedisDataException refused = assertThrows(JedisDataException.class,
                    () -> copier.sendCommand(PSYNC, "?", "-1"), "the source user may not replicate");
            assertTrue(refused.getMessage().startsWith("NOPERM"), refused.getMessage());
        }

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        Thread writer = new Thread(() -> {
            Random r = new Random(seed + 1);
            try (Jedis j = source.jedis()) {
                while (writing.get()) {
                    Pipeline p = j.pipelined();
                    for (int i = 0; i < 19; i++) {
                        write(p, r);
                    }
                    p.set("new:" + writes.get(), "created during the run"); // may be missed by a walk under way
                    p.sync();
                    writes.addAndGet(20);
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        writer.start();
        try {
            while (writes.get() < 200) {
                Thread.sleep(5);
            }
            long before = writes.get();
            String[] run = args("run", source, cluster, "--state-dir", dir.resolve("state").toString());
            assertEquals(0, migrate(run), out.toString());
            assertTrue(out.toString().contains("keys"), out.toString());
            long during = writes.get() - before;
            assertTrue(during > 0, "the walk ran under writes");
            writing.set(false);
            writer.join();

            // The stated guarantees under writes: keys nobody wrote arrive exact; no key the source never had appears.
            Map<String, KeyspaceView.Entry> target = KeyspaceView.ofCluster(cluster);
            Map<String, KeyspaceView.Entry> now = keys(source);
            Map<String, KeyspaceView.Entry> coldSource = new TreeMap<>(now);
            coldSource.keySet().retainAll(cold);
            Map<String, KeyspaceView.Entry> coldTarget = new TreeMap<>(target);
            coldTarget.keySet().retainAll(cold);
            assertEquals(List.of(), KeyspaceView.differences(coldSource, coldTarget, 1500), "keys not written during the walk");
            assertEquals(cold.size(), coldTarget.size());
            Set<String> unknown = new TreeSet<>(target.keySet());
            unknown.removeAll(now.keySet());
            assertEquals(Set.of(), unknown, "no key on the target that the source never had (nothing was deleted)");
        } finally {
            writing.set(false);
            writer.join();
        }

        // After the writes: the same run again walks from the start (its checkpoint is not resumable) and replaces.
        String[] again = args("run", source, cluster, "--state-dir", dir.resolve("state").toString());
        assertEquals(0, migrate(again), out.toString());
        Map<String, KeyspaceView.Entry> expected = keys(source);
        assertTrue(expected.size() > cold.size() + HOT_KEYS, "hot and cold keys: " + expected.size());
        assertEquals(List.of(), KeyspaceView.differences(expected, KeyspaceView.ofCluster(cluster), 1500));
        assertEquals(0, migrate(args("verify", source, cluster, "--mode", "full")), out.toString());
        assertTrue(!out.toString().contains(PASSWORD) && !out.toString().contains(cluster.aclPassword()),
                "no password is printed");
    }
}
