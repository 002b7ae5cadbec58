package io.slotferry.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.replication.ReplicationEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisCluster;

/**
 * The target-side expiry race, deterministically: the replay is held back longer than the TTLs the
 * source extends, removes or reads meanwhile (the commands carry the times the source sent them at).
 * Held expiries ({@code --ttl-grace}) keep such keys; {@code migrate finish} ({@link ToolKeys#exactTtls})
 * makes their TTLs the source's again.
 */
@ExtendWith(RealServers.class)
class ExpiryRaceIT {
    private static final long GRACE = 60_000;
    private final RedisClusterFixture cluster;

    ExpiryRaceIT(RedisClusterFixture cluster) {
        this.cluster = cluster;
    }

    @BeforeEach
    void emptyTarget() {
        cluster.flushAll();
    }

    private static ReplicationEvent.Command at(long offset, long sentAt, String line) {
        List<byte[]> argv = new ArrayList<>();
        for (String a : line.split(" ")) {
            argv.add(a.getBytes(StandardCharsets.UTF_8));
        }
        return new ReplicationEvent.Command(0, argv, offset - 9, offset, sentAt);
    }

    /** Applies the commands in order, {@code lagMillis} after the source ran them. */
    private void replayLate(long grace, long lagMillis, List<ReplicationEvent.Command> stream) throws Exception {
        try (TargetConnections t = TargetConnections.of(cluster)) {
            ToolKeys.declareTtlGrace(t.nodes(), grace);
            StreamReplayer replayer = t.replayer(ReplayOptions.defaults().withTtlGrace(grace));
            replayer.startAt(0);
            for (ReplicationEvent.Command c : stream) {
                long due = c.receivedAtMillis() + lagMillis - System.currentTimeMillis();
                if (due > 0) {
                    Thread.sleep(due);
                }
                replayer.apply(c);
                replayer.drain();
            }
        }
    }

    @Test
    void aKeyWhoseTtlTheSourceRemovedOrExtendedBeforeItRanOutIsKeptThoughTheReplayLagsBehindIt() throws Exception {
        long now = System.currentTimeMillis();
        List<ReplicationEvent.Command> s = List.of(
                at(10, now, "SET persisted v PXAT " + (now + 700)),
                at(20, now, "SET extended v PXAT " + (now + 700)),
                at(30, now, "PEXPIREAT h " + (now + 700)),
                at(40, now, "HSET h n1 a n2 b"),
                at(50, now + 200, "PERSIST persisted"),
                at(60, now + 200, "PEXPIREAT extended " + (now + 3_600_000)),
                at(70, now + 200, "EXPIRE h 6104"),
                at(80, now + 300, "HSET h tx c"));
        try (JedisCluster dst = cluster.jedisCluster()) {
            dst.hset("h", Map.of("n1", "a", "n2", "b"));
        }
        replayLate(GRACE, 1500, s); // the target sees each command 1.5 s late: past every 0.7 s TTL
        try (TargetConnections t = TargetConnections.of(cluster); JedisCluster dst = cluster.jedisCluster()) {
            assertEquals("v", dst.get("persisted"));
            assertEquals(-1, dst.pttl("persisted"));
            assertEquals("v", dst.get("extended"));
            assertEquals(Map.of("n1", "a", "n2", "b", "tx", "c"), dst.hgetAll("h"), "the hash kept its fields");
            long before = dst.pttl("extended");
            assertTrue(before > 3_600_000 + GRACE - 60_000, "held past the source's expiry while the run goes: " + before);
            ToolKeys.exactTtls(t.nodes()); // what migrate finish does
            long after = dst.pttl("extended");
            assertTrue(after <= 3_600_000 && after > 3_500_000, "exact again: " + after);
            long hash = dst.pttl("h");
            assertTrue(hash <= 6_104_000 && hash > 6_000_000, "the hash's TTL is the source's: " + hash);
        }
    }

    @Test
    void anExpiryAlreadyPastWhenTheSourceSentItStillDeletesTheKey() throws Exception {
        long now = System.currentTimeMillis();
        try (JedisCluster dst = cluster.jedisCluster()) {
            dst.set("gone", "v");
        }
        replayLate(GRACE, 0, List.of(at(10, now, "PEXPIREAT gone " + (now - 1000))));
        try (JedisCluster dst = cluster.jedisCluster()) {
            assertFalse(dst.exists("gone"));
        }
    }

    @Test
    void withoutAGraceTheTargetExpiresTheKeyBeforeTheLaggingPersistReachesIt() throws Exception {
        long now = System.currentTimeMillis();
        replayLate(0, 1500, List.of(at(10, now, "SET k v PXAT " + (now + 700)), at(20, now + 200, "PERSIST k")));
        try (JedisCluster dst = cluster.jedisCluster()) {
            assertFalse(dst.exists("k"), "the race --ttl-grace 0 leaves (documented)");
        }
    }
}
