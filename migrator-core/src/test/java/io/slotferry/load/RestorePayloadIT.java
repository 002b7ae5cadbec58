package io.slotferry.load;

import static io.slotferry.fixture.Bulk.latin1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.slotferry.fixture.Dataset;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.ServerView;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbOptions;
import io.slotferry.rdb.RdbReader;
import io.slotferry.rdb.RdbType;
import io.slotferry.rdb.ValueType;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.RestoreParams;

/**
 * Against a real redis-server 7.0: payloads built from a saved RDB are the server's own DUMP output and
 * RESTORE to the same values, and the stamping table is right both ways over the whole corpus (what it
 * calls restorable is accepted, what it sends to the rewrite path would be refused).
 */
@ExtendWith(RealServers.class)
class RestorePayloadIT {

    @Test
    void payloadsFromTheRdbAreTheServersOwnDumpsAndRestoreTheSameValues(StandaloneRedis redis) throws Exception {
        TargetCapabilities target = probe(redis);
        int checked = 0;
        try (Jedis jedis = redis.jedis()) {
            Dataset.writeShapes(jedis);
            Path rdb = redis.save();
            int version = 0;
            try (InputStream in = Files.newInputStream(rdb); RdbReader reader = RdbReader.open(in, RdbOptions.raw())) {
                RdbEvent e;
                while ((e = reader.next()) != null) {
                    if (e instanceof RdbEvent.Header h) {
                        version = h.version();
                    } else if (e instanceof RdbEvent.RawValue v) {
                        byte[] key = v.key().key();
                        RestorePayload payload = RestorePayload.of(v.key().type(), v.value(), version);
                        byte[] dump = jedis.dump(key);
                        // Hashtable sets and hashes have no fixed iteration order, so only their size must match.
                        if (v.key().type() == RdbType.SET || v.key().type() == RdbType.HASH) {
                            assertEquals(dump.length, payload.bytes().length, latin1(key));
                        } else {
                            assertArrayEquals(dump, payload.bytes(), () -> "DUMP of " + latin1(key));
                        }
                        byte[] copy = ("copy:" + checked).getBytes(StandardCharsets.US_ASCII);
                        for (List<byte[]> command : payload.commands(copy, v.key().expireAtMs(), target)) {
                            jedis.sendCommand(() -> command.get(0), command.subList(1, command.size()).toArray(new byte[0][]));
                        }
                        JsonNode original = ServerView.of(jedis, key, true);
                        assertEquals(original, ServerView.of(jedis, copy, true), "RESTOREd copy of " + latin1(key));
                        checked++;
                    }
                }
            }
            assertEquals(version, target.rdbVersion(), "the fixture saves the RDB version the table gives its release");
            assertEquals(2L * checked, jedis.dbSize(), "every key was checked and copied");
        }
        assertTrue(checked >= 21, "checked " + checked);
    }

    @Test
    void everyCorpusValueTheTableCallsRestorableIsAcceptedAndTheOthersWouldBeRefused(StandaloneRedis redis)
            throws Exception {
        TargetCapabilities target = probe(redis);
        int accepted = 0;
        int refused = 0;
        byte[] copy = "corpus:value".getBytes(StandardCharsets.US_ASCII);
        try (Jedis jedis = redis.jedis()) {
            for (Path rdb : CorpusFiles.rdbFiles()) {
                try (InputStream in = Files.newInputStream(rdb); RdbReader reader = RdbReader.open(in, RdbOptions.raw())) {
                    int version = 0;
                    boolean valkey = false;
                    RdbEvent e;
                    while ((e = reader.next()) != null) {
                        if (e instanceof RdbEvent.Header h) {
                            version = h.version();
                            valkey = h.magic().equals("VALKEY");
                        } else if (e instanceof RdbEvent.RawValue v) {
                            RdbType type = v.key().type();
                            int stamp = target.restoreVersion(type, version, valkey);
                            String what = rdb.getFileName() + " " + latin1(v.key().key()) + " " + type;
                            if (stamp >= 0 && type.valueType() != ValueType.MODULE) {
                                byte[] payload = RestorePayload.of(type, v.value(), stamp).bytes();
                                assertEquals("OK", jedis.restore(copy, 0, payload, new RestoreParams().replace()),
                                        what);
                                accepted++;
                            } else {
                                // Stamped with the target's own version, the payload still carries a type byte it lacks.
                                byte[] payload = RestorePayload.of(type, v.value(), Math.min(version, target.rdbVersion())).bytes();
                                assertThrows(JedisDataException.class, () -> jedis.restore(copy, 0, payload,
                                        new RestoreParams().replace()), what);
                                refused++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(accepted > 1000, "accepted " + accepted);
        assertTrue(refused >= 3 * 3 + 20, "types 20, 21, 24, 25 of the 7.2+ files and the module values: " + refused);
    }

    private static TargetCapabilities probe(StandaloneRedis redis) throws Exception {
        try (RedisConnection c = RedisConnection.open(RedisEndpoint.plain(redis.host(), redis.port()), Duration.ofSeconds(5))) {
            TargetCapabilities target = TargetCapabilities.probe(c);
            assertEquals(TargetCapabilities.Server.REDIS, target.server());
            return target;
        }
    }
}
