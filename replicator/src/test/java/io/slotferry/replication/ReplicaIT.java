package io.slotferry.replication;

import io.slotferry.resp.RedisEndpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.rdb.ChecksumStatus;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbOptions;
import io.slotferry.rdb.RdbReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;

/** slotferry as a replica of a live Debian redis-server: full sync, stream, partial resync, slow consumer. */
@ExtendWith(RealServers.class)
class ReplicaIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    static long masterOffset(Jedis jedis) {
        for (String line : jedis.info("replication").split("\r\n")) {
            if (line.startsWith("master_repl_offset:")) {
                return Long.parseLong(line.substring("master_repl_offset:".length()));
            }
        }
        throw new IllegalStateException("no master_repl_offset");
    }

    static long stat(Jedis jedis, String name) {
        for (String line : jedis.info("stats").split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1));
            }
        }
        throw new IllegalStateException("no stat " + name);
    }

    static void loadBulk(Jedis jedis, int keys) {
        Pipeline p = jedis.pipelined();
        for (int i = 0; i < keys; i++) {
            p.set("bulk:" + i, "value-" + i);
        }
        p.sync();
    }

    /** Waits until the master has forked for the snapshot: later writes are in the stream, not the RDB. */
    static void awaitFork(Jedis jedis) throws InterruptedException {
        while (!jedis.info("persistence").contains("rdb_bgsave_in_progress:1")) {
            Thread.sleep(5);
        }
    }

    /** CLIENT KILL TYPE replica: the master drops every replica link. */
    static long killReplicaLinks(Jedis jedis) {
        return (Long) jedis.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "replica");
    }

    /** Reads events until the snapshot ends; returns the number of keys in it. */
    static long readSnapshot(Replica replica) throws Exception {
        ReplicationEvent first = replica.next();
        assertInstanceOf(ReplicationEvent.SnapshotBegin.class, first);
        long keys = 0;
        while (true) {
            ReplicationEvent e = replica.next();
            if (e instanceof ReplicationEvent.SnapshotEnd) {
                return keys;
            }
            if (e instanceof ReplicationEvent.SnapshotData d && d.event() instanceof RdbEvent.RawValue) {
                keys++;
            }
        }
    }

    /** Reads commands until one named SET has {@code key}; returns everything read. */
    static List<ReplicationEvent> readUntilSet(Replica replica, String key) throws Exception {
        List<ReplicationEvent> seen = new ArrayList<>();
        while (true) {
            ReplicationEvent e = replica.next();
            seen.add(e);
            if (e instanceof ReplicationEvent.Command c && c.name().equals("SET")
                    && new String(c.argv().get(1), StandardCharsets.UTF_8).equals(key)) {
                return seen;
            }
        }
    }

    @Test
    void fullSyncDeliversTheSnapshotThenTheLiveStreamWithExactOffsets(StandaloneRedis redis, @TempDir Path spool) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Jedis jedis = redis.jedis()) {
                for (int i = 0; i < 500; i++) {
                    jedis.set("seed:" + i, "v" + i);
                }
                jedis.rpush("seed:list", "a", "b", "c");
                try (Replica replica = Replica.start(RedisEndpoint.plain(redis.host(), redis.port()), ReplicaOptions.defaults(spool))) {
                    assertEquals(501, readSnapshot(replica));
                    jedis.select(3);
                    jedis.set("live:1", "x");
                    jedis.incr("live:counter");
                    jedis.set("live:end", "done");
                    List<ReplicationEvent> events = readUntilSet(replica, "live:end");
                    long previousEnd = -1;
                    for (ReplicationEvent e : events) {
                        ReplicationEvent.Command c = (ReplicationEvent.Command) e;
                        if (previousEnd >= 0) {
                            assertEquals(previousEnd, c.startOffset(), "commands are contiguous");
                        }
                        previousEnd = c.endOffset();
                    }
                    ReplicationEvent.Command last = (ReplicationEvent.Command) events.get(events.size() - 1);
                    assertEquals(3, last.db(), "SELECT 3 was applied to the following commands");
                    // The master may PING (every 10 s) after our SET: whatever follows must be PINGs.
                    long end = last.endOffset();
                    while (end < masterOffset(jedis)) {
                        ReplicationEvent.Command ping = (ReplicationEvent.Command) replica.next();
                        assertEquals("PING", ping.name());
                        assertEquals(end, ping.startOffset());
                        end = ping.endOffset();
                    }
                    assertEquals(masterOffset(jedis), end);
                    assertTrue(events.stream().anyMatch(e -> ((ReplicationEvent.Command) e).name().equals("INCR")));
                }
            }
        });
    }

    @Test
    void eachCommandCarriesTheTimeItWasReceivedNotTheTimeItWasDelivered(StandaloneRedis redis, @TempDir Path spool) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Jedis jedis = redis.jedis();
                 Replica replica = Replica.start(RedisEndpoint.plain(redis.host(), redis.port()), ReplicaOptions.defaults(spool))) {
                readSnapshot(replica);
                // After a diskless transfer the master streams only once it has handled an ACK, which can
                // be the periodic one a second later: wait until the stream flows before timing writes.
                jedis.set("flowing", "1");
                readUntilSet(replica, "flowing");
                long[] writtenAt = new long[3];
                for (int i = 0; i < 3; i++) {
                    writtenAt[i] = System.currentTimeMillis();
                    jedis.setex("ttl:" + i, 100, "v");
                    Thread.sleep(150);
                }
                Thread.sleep(500); // a lagging consumer: the spool holds the commands meanwhile
                long consumedFrom = System.currentTimeMillis();
                List<ReplicationEvent> events = readUntilSet(replica, "ttl:2");
                long delivered = System.currentTimeMillis();
                long previous = Long.MIN_VALUE;
                int found = 0;
                for (ReplicationEvent e : events) {
                    ReplicationEvent.Command c = (ReplicationEvent.Command) e;
                    assertTrue(c.receivedAtMillis() >= previous, "receive times never decrease: " + c);
                    assertTrue(c.receivedAtMillis() <= delivered, "received before it was delivered");
                    previous = c.receivedAtMillis();
                    if (c.name().equals("SET") || c.name().equals("SETEX")) {
                        String key = new String(c.argv().get(1), StandardCharsets.UTF_8);
                        int i = Integer.parseInt(key.substring("ttl:".length()));
                        assertTrue(c.receivedAtMillis() >= writtenAt[i], key + " received after it was written");
                        long upper = i < 2 ? writtenAt[i + 1] : consumedFrom;
                        assertTrue(c.receivedAtMillis() < upper, key + " received before the next write ("
                                + c.receivedAtMillis() + " vs " + upper + "), not when the lagging consumer read it; written at "
                                + java.util.Arrays.toString(writtenAt) + ", consumed from " + consumedFrom + ": " + events.stream()
                                .map(x -> ((ReplicationEvent.Command) x).name() + "@" + ((ReplicationEvent.Command) x).startOffset()
                                        + "=" + ((ReplicationEvent.Command) x).receivedAtMillis()).toList());
                        found++;
                    }
                }
                assertEquals(3, found);
            }
        });
    }

    @Test
    void fileModeHandsOverTheSpooledRdbThenTheSameCommandsAsParsedMode(StandaloneRedis redis, @TempDir Path spool) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Jedis jedis = redis.jedis()) {
                for (int i = 0; i < 500; i++) {
                    jedis.set("seed:" + i, "v" + i);
                }
                jedis.rpush("seed:list", "a", "b", "c");
                jedis.select(2); // keys in two databases
                jedis.set("seed:db2", "x");
                jedis.select(0);
                try (Replica replica = Replica.start(RedisEndpoint.plain(redis.host(), redis.port()),
                        ReplicaOptions.defaults(spool).withSnapshotFile(true))) {
                    ReplicationEvent.SnapshotBegin begin = assertInstanceOf(ReplicationEvent.SnapshotBegin.class, replica.next());
                    ReplicationEvent.SnapshotFile file = assertInstanceOf(ReplicationEvent.SnapshotFile.class, replica.next());
                    assertEquals(begin.replid(), file.replid());
                    assertEquals(begin.offset(), file.offset());
                    long keys = 0;
                    boolean checked = false;
                    try (RdbReader rdb = RdbReader.open(java.nio.file.Files.newInputStream(file.file()), RdbOptions.raw())) {
                        RdbEvent e;
                        while ((e = rdb.next()) != null) {
                            if (e instanceof RdbEvent.Header h) {
                                assertEquals(begin.rdbVersion(), h.version());
                            } else if (e instanceof RdbEvent.RawValue) {
                                keys++;
                            } else if (e instanceof RdbEvent.End end) {
                                checked = end.checksum() == ChecksumStatus.VALID;
                            }
                        }
                    }
                    assertEquals(502, keys, "every key of the master is in the file");
                    assertTrue(checked, "the file is the whole RDB: its CRC-64 checks out");
                    ReplicationEvent.SnapshotEnd end = assertInstanceOf(ReplicationEvent.SnapshotEnd.class, replica.next());
                    assertEquals(begin.offset(), end.offset());
                    assertTrue(java.nio.file.Files.notExists(file.file()), "deleted by the call after SnapshotFile");
                    jedis.set("live:0", "in db 0");
                    jedis.select(3);
                    jedis.set("live:end", "done");
                    List<ReplicationEvent> events = readUntilSet(replica, "live:end");
                    long previousEnd = end.offset();
                    for (ReplicationEvent e : events) {
                        ReplicationEvent.Command c = (ReplicationEvent.Command) e;
                        assertEquals(previousEnd, c.startOffset(), "commands are contiguous from the snapshot's offset");
                        previousEnd = c.endOffset();
                    }
                    assertEquals(3, ((ReplicationEvent.Command) events.get(events.size() - 1)).db());
                    assertTrue(events.stream().map(e -> (ReplicationEvent.Command) e)
                            .anyMatch(c -> c.name().equals("SET") && c.db() == 0), "the stream's SELECT 0 was applied");
                }
            }
        });
    }

    @Test
    void writesDuringTheSnapshotArriveAsCommandsAfterIt(StandaloneRedis redis, @TempDir Path spool) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Jedis jedis = redis.jedis()) {
                loadBulk(jedis, 20_000);
                jedis.configSet("repl-diskless-sync-delay", "0");
                jedis.configSet("rdb-key-save-delay", "50"); // microseconds per key: the snapshot takes ~1 s
                try (Replica replica = Replica.start(RedisEndpoint.plain(redis.host(), redis.port()), ReplicaOptions.defaults(spool))) {
                    awaitFork(jedis); // from now on the key goes to the stream, not the snapshot
                    jedis.set("during:snapshot", "1");
                    assertEquals(20_000, readSnapshot(replica));
                    jedis.set("after:snapshot", "1");
                    List<ReplicationEvent> events = readUntilSet(replica, "after:snapshot");
                    assertTrue(events.stream().anyMatch(e -> ((ReplicationEvent.Command) e).argv().size() > 1
                            && new String(((ReplicationEvent.Command) e).argv().get(1), StandardCharsets.UTF_8).equals("during:snapshot")));
                } finally {
                    jedis.configSet("rdb-key-save-delay", "0");
                }
            }
        });
    }

    @Test
    void aKilledReplicaLinkMidStreamResumesWithContinue(StandaloneRedis redis, @TempDir Path spool) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Jedis jedis = redis.jedis()) {
                jedis.set("seed", "1");
                long fullSyncsBefore = stat(jedis, "sync_full");
                long partialBefore = stat(jedis, "sync_partial_ok");
                try (Replica replica = Replica.start(RedisEndpoint.plain(redis.host(), redis.port()), ReplicaOptions.defaults(spool))) {
                    readSnapshot(replica);
                    jedis.set("before:kill", "1");
                    readUntilSet(replica, "before:kill");
                    assertEquals(1L, killReplicaLinks(jedis));
                    jedis.set("after:kill", "1");
                    List<ReplicationEvent> events = readUntilSet(replica, "after:kill");
                    // The master may send a PING (or GETACK) on the old link before the kill lands: those
                    // come first; the first event after them is the resume.
                    int first = 0;
                    while (first < events.size() && events.get(first) instanceof ReplicationEvent.Command c
                            && (c.name().equals("PING") || c.name().equals("REPLCONF"))) {
                        first++;
                    }
                    assertInstanceOf(ReplicationEvent.StreamResumed.class, events.get(first), () -> "events " + events);
                    assertTrue(events.stream().noneMatch(e -> e instanceof ReplicationEvent.SnapshotBegin));
                    assertEquals(fullSyncsBefore + 1, stat(jedis, "sync_full"), "exactly one full sync");
                    assertEquals(partialBefore + 1, stat(jedis, "sync_partial_ok"));
                }
            }
        });
    }

    @Test
    void aLinkKilledMidRdbRestartsTheFullSyncAndDeliversOneSnapshot(StandaloneRedis redis, @TempDir Path spool) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Jedis jedis = redis.jedis()) {
                loadBulk(jedis, 20_000);
                jedis.configSet("repl-diskless-sync-delay", "0");
                jedis.configSet("rdb-key-save-delay", "50"); // ~1 s of transfer: time to cut it
                long fullSyncsBefore = stat(jedis, "sync_full");
                try (Replica replica = Replica.start(RedisEndpoint.plain(redis.host(), redis.port()), ReplicaOptions.defaults(spool))) {
                    awaitFork(jedis);
                    Thread.sleep(200);
                    assertEquals(1L, killReplicaLinks(jedis));
                    jedis.configSet("rdb-key-save-delay", "0");
                    assertEquals(20_000, readSnapshot(replica), "the cut transfer never reaches the consumer");
                    jedis.set("after", "1");
                    List<ReplicationEvent> events = readUntilSet(replica, "after");
                    assertTrue(events.stream().noneMatch(e -> e instanceof ReplicationEvent.SnapshotBegin));
                    assertEquals(fullSyncsBefore + 2, stat(jedis, "sync_full"), "a half-received RDB cannot be continued");
                } finally {
                    jedis.configSet("rdb-key-save-delay", "0");
                }
            }
        });
    }

    @Test
    void aSlowConsumerBehindATinyOutputBufferNeverLoopsIntoFullSyncs(StandaloneRedis redis, @TempDir Path spool) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Jedis jedis = redis.jedis()) {
                // The master drops a replica whose output buffer passes 8 MiB: a fifth of what is written
                // while nobody consumes. Only a receiver that reads regardless of the consumer survives.
                long fullSyncsBefore = stat(jedis, "sync_full");
                try (Replica replica = Replica.start(RedisEndpoint.plain(redis.host(), redis.port()), ReplicaOptions.defaults(spool))) {
                    readSnapshot(replica);
                    // A running replica: warm the receiver up with traffic it consumes (a cold JIT on two
                    // shared cores can briefly lag by megabytes), then make the master strict.
                    loadBulk(jedis, 20_000);
                    jedis.set("warm", "1");
                    readUntilSet(replica, "warm");
                    jedis.configSet("client-output-buffer-limit", "replica 8388608 4194304 10");
                    byte[] value = new byte[1024];
                    // ~41 MB of stream while nobody consumes, paced at about 20 MB/s: a rate any replica
                    // that keeps reading follows, five times what the master buffers for a stalled one.
                    for (int batch = 0; batch < 20; batch++) {
                        Pipeline p = jedis.pipelined();
                        for (int i = 0; i < 2000; i++) {
                            p.set(("heavy:" + (batch * 2000 + i)).getBytes(StandardCharsets.US_ASCII), value);
                        }
                        p.sync();
                        Thread.sleep(100);
                    }
                    jedis.set("heavy:end", "1");
                    Thread.sleep(1500); // the consumer is slow: it starts reading only now
                    long sets = 0;
                    while (true) {
                        ReplicationEvent e = replica.next();
                        if (e instanceof ReplicationEvent.SnapshotBegin || e instanceof ReplicationEvent.StreamResumed) {
                            throw new AssertionError("the replication link was lost: " + e + "; " + jedis.info("stats"));
                        }
                        ReplicationEvent.Command c = (ReplicationEvent.Command) e;
                        if (c.name().equals("SET")) {
                            sets++;
                            if (new String(c.argv().get(1), StandardCharsets.US_ASCII).equals("heavy:end")) {
                                break;
                            }
                        }
                    }
                    assertEquals(40_001, sets);
                    assertEquals(fullSyncsBefore + 1, stat(jedis, "sync_full"));
                    assertEquals(masterOffset(jedis), replica.receivedOffset());
                } finally {
                    jedis.configSet("client-output-buffer-limit", "replica 268435456 67108864 60");
                }
            }
        });
    }

    @Test
    void aNewReplicaResumesFromACheckpointWithContinueAndKeepsTheDatabase(StandaloneRedis redis, @TempDir Path spool) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Jedis jedis = redis.jedis()) {
                RedisEndpoint source = RedisEndpoint.plain(redis.host(), redis.port());
                StreamPosition checkpoint;
                try (Replica first = Replica.start(source, ReplicaOptions.defaults(spool.resolve("a")))) {
                    readSnapshot(first);
                    jedis.select(3);
                    jedis.set("checkpointed", "1");
                    readUntilSet(first, "checkpointed");
                    checkpoint = first.deliveredPosition();
                }
                assertEquals(3, checkpoint.db());
                jedis.set("while:away", "1"); // db 3, no new SELECT in the stream
                long partialBefore = stat(jedis, "sync_partial_ok");
                try (Replica second = Replica.resume(source, ReplicaOptions.defaults(spool.resolve("b")), checkpoint)) {
                    ReplicationEvent first = second.next();
                    assertEquals(new ReplicationEvent.StreamResumed(checkpoint.replid(), checkpoint.offset()), first);
                    ReplicationEvent.Command c = (ReplicationEvent.Command) second.next();
                    assertEquals("SET", c.name());
                    assertEquals("while:away", new String(c.argv().get(1), StandardCharsets.UTF_8));
                    assertEquals(3, c.db());
                    assertEquals(checkpoint.offset(), c.startOffset());
                }
                assertEquals(partialBefore + 1, stat(jedis, "sync_partial_ok"));
            }
        });
    }

    @Test
    void resumingWithAnUnknownReplicationIdFallsBackToASnapshot(StandaloneRedis redis, @TempDir Path spool) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Jedis jedis = redis.jedis()) {
                jedis.set("k", "v");
                StreamPosition stale = new StreamPosition(new ReplicationId("0123456789012345678901234567890123456789"), 42, 0);
                try (Replica replica = Replica.resume(RedisEndpoint.plain(redis.host(), redis.port()), ReplicaOptions.defaults(spool), stale)) {
                    assertEquals(1, readSnapshot(replica));
                }
            }
        });
    }

    @Test
    void theMastersWaitCountsOurAcknowledgements(StandaloneRedis redis, @TempDir Path spool) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Jedis jedis = redis.jedis();
                 Replica replica = Replica.start(RedisEndpoint.plain(redis.host(), redis.port()), ReplicaOptions.defaults(spool))) {
                readSnapshot(replica);
                jedis.set("acked", "1");
                // WAIT makes the master send REPLCONF GETACK; it returns how many replicas acknowledged.
                assertEquals(1L, jedis.waitReplicas(1, 5000));
                List<ReplicationEvent> events = readUntilSet(replica, "acked");
                assertTrue(events.size() >= 1);
                jedis.set("acked:2", "1");
                assertEquals(1L, jedis.waitReplicas(1, 5000));
            }
        });
    }

    @Test
    void aTinySpoolQuotaPausesReadingWithoutLosingAByte(StandaloneRedis redis, @TempDir Path spool) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Jedis jedis = redis.jedis()) {
                ReplicaOptions tiny = ReplicaOptions.defaults(spool).withSpoolLimits(2 << 20, 256 << 10);
                long fullSyncsBefore = stat(jedis, "sync_full");
                try (Replica replica = Replica.start(RedisEndpoint.plain(redis.host(), redis.port()), tiny)) {
                    readSnapshot(replica);
                    byte[] value = new byte[1000];
                    Pipeline p = jedis.pipelined();
                    for (int i = 0; i < 10_000; i++) { // ~10 MB: five times the quota
                        p.set(("q:" + i).getBytes(StandardCharsets.US_ASCII), value);
                    }
                    p.set("q:end", "1");
                    p.sync();
                    Thread.sleep(1000);
                    long receivedWhilePaused = replica.receivedOffset();
                    assertTrue(masterOffset(jedis) - receivedWhilePaused > (4 << 20), "reading paused at the quota");
                    long sets = 0;
                    long expectedStart = -1;
                    while (true) {
                        ReplicationEvent e = replica.next();
                        ReplicationEvent.Command c = (ReplicationEvent.Command) e;
                        if (expectedStart >= 0) {
                            assertEquals(expectedStart, c.startOffset(), "no gap in the stream");
                        }
                        expectedStart = c.endOffset();
                        replica.applied(c.endOffset()); // frees segments, so the receiver resumes
                        if (c.name().equals("SET")) {
                            sets++;
                            if (new String(c.argv().get(1), StandardCharsets.US_ASCII).equals("q:end")) {
                                break;
                            }
                        }
                    }
                    assertEquals(10_001, sets);
                    assertEquals(fullSyncsBefore + 1, stat(jedis, "sync_full"));
                    try (var files = java.nio.file.Files.list(spool)) {
                        assertTrue(files.count() <= 3, "applied segments are deleted");
                    }
                }
            }
        });
    }
}
