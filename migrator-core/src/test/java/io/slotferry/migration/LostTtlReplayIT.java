package io.slotferry.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.replication.transcript.Transcript;
import io.slotferry.replication.transcript.TranscriptMaster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * INCRBYFLOAT before Redis 6.0 is replicated as a plain {@code SET key result}, which drops the key's TTL
 * on a replica while the master keeps it. The captures hold exactly that ({@code INCRBYFLOAT w:float 1.5}
 * → {@code SET w:float 1.5}); the fake master plays each one to a real worker, and a real redis-server
 * stands in as its master, holding {@code w:float} with a TTL as the master would after
 * {@code SET w:float 0 EX ...; INCRBYFLOAT w:float 1.5}. The TLS + ACL cluster must end with the master's
 * TTL. From 6.0 on the stream says {@code SET ... KEEPTTL} and the master is never asked.
 */
@ExtendWith(RealServers.class)
class LostTtlReplayIT {
    private static final long FAR_MS = 4_102_444_800_000L; // 2100-01-01
    private static final byte[] KEY = "w:float".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path state;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"redis-2.8.24-psync-disk", "codis-server-3.2.11-disk", "redis-4.0.14-disk", "redis-5.0.14-disk"})
    void aFloatSetFromASourceBefore60GetsTheMastersTtlOnTheTarget(String name, RedisClusterFixture cluster, StandaloneRedis standIn)
            throws Exception {
        long pttlCalls = replay(name, cluster, standIn);
        try (JedisCluster j = cluster.jedisCluster()) {
            assertEquals("1.5", j.get("w:float"));
            long at = j.pexpireTime(KEY);
            assertTrue(Math.abs(at - FAR_MS) < 5_000, name + ": the target's w:float expires at " + at + ", the master's at " + FAR_MS);
        }
        assertTrue(pttlCalls >= 1, name + ": the master was never asked");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"redis-6.2.16-disk", "redis-7.0.15-disk"})
    void aSourceFrom60OnKeepsTheTtlInItsStreamAndIsNeverAsked(String name, RedisClusterFixture cluster, StandaloneRedis standIn)
            throws Exception {
        long pttlCalls = replay(name, cluster, standIn);
        try (JedisCluster j = cluster.jedisCluster()) {
            assertEquals("1.5", j.get("w:float"));
        }
        assertEquals(0, pttlCalls, name + ": a source that replicates KEEPTTL needs no TTL from its master");
    }

    /** Replays capture {@code name}; returns how many PTTLs the stand-in master answered. */
    private long replay(String name, RedisClusterFixture cluster, StandaloneRedis standIn) throws Exception {
        cluster.flushAll();
        Transcript capture = Transcript.load(name);
        try (Jedis j = standIn.jedis()) {
            j.set("w:float", "1.5");
            j.pexpireAt("w:float", FAR_MS);
            j.configResetStat();
        }
        try (TranscriptMaster master = TranscriptMaster.start(capture)) {
            Worker worker = TranscriptWorker.of(cluster, capture, master, standIn, state);
            RunningWorker run = RunningWorker.start(worker);
            try {
                run.awaitApplied(TranscriptWorker.endOffset(capture), 60_000);
            } finally {
                run.stopAndJoin();
            }
        }
        try (Jedis j = standIn.jedis()) {
            String stats = j.info("commandstats");
            for (String line : stats.split("\r?\n")) {
                if (line.startsWith("cmdstat_pttl:calls=")) {
                    return Long.parseLong(line.substring("cmdstat_pttl:calls=".length(), line.indexOf(',')));
                }
            }
            return 0;
        }
    }
}
