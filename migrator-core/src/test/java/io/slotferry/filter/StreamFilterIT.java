package io.slotferry.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.command.CommandSpec;
import io.slotferry.command.CommandTable;
import io.slotferry.load.TargetCapabilities;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.fixture.Bulk;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.translate.DbMapping;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * The re-copy of {@link StreamFilter} against a real source: a RENAME from a left-out name to a kept one becomes a
 * RESTORE of the source's value as of the source offset read with it (the fence); until the stream passes that
 * fence, later commands on the key skip it and the applied offset is held below the RENAME.
 */
@ExtendWith(RealServers.class)
class StreamFilterIT {
    private static final CommandTable TABLE = CommandTable.load();

    private static ReplicationEvent.Command command(long start, long end, String... words) {
        return new ReplicationEvent.Command(0, Bulk.argv(words), start, end, System.currentTimeMillis());
    }

    private static StreamFilter.Decision decide(StreamFilter f, ReplicationEvent.Command c) throws Exception {
        CommandSpec spec = TABLE.lookup(c.argv()).orElseThrow();
        return f.decide(c, spec, c.argv(), spec.keys(c.argv()));
    }

    private static long offset(Jedis j) {
        return Long.parseLong(j.info("replication").replaceAll("(?s).*\\bmaster_repl_offset:(\\d+).*", "$1"));
    }

    @Test
    void aRenameOntoAKeptNameCopiesTheValueBehindAFenceThatHoldsTheAppliedOffset(StandaloneRedis source) throws Exception {
        source.flushAll();
        source.keepBacklog(); // master_repl_offset moves with every write
        KeyFilter filter = KeyFilter.of(List.of("user:*"), List.of("user:*:cache"), List.of());
        try (Jedis j = source.jedis();
             StreamFilter f = new StreamFilter(filter, new DbMapping.Only(0), TargetCapabilities.redis("7.0.15"), 0,
                     RedisEndpoint.plain(source.host(), source.port()))) {
            j.set("user:1:cache", "v1");
            j.rename("user:1:cache", "user:1");
            long renameEnd = offset(j);
            j.append("user:1", "+later"); // after the RENAME in the stream, before the copy reads the source
            ReplicationEvent.Command rename = command(renameEnd - 40, renameEnd, "RENAME", "user:1:cache", "user:1");

            StreamFilter.Decision.Copies copies = assertInstanceOf(StreamFilter.Decision.Copies.class, decide(f, rename));
            assertEquals(1, copies.writes().size(), "the kept key the RENAME wrote; the left-out source needs nothing");
            List<byte[]> restore = copies.writes().get(0).commands().get(0);
            assertEquals("RESTORE", new String(restore.get(0), StandardCharsets.US_ASCII));
            assertEquals("user:1", new String(restore.get(1), StandardCharsets.US_ASCII));
            assertEquals(rename.startOffset(), f.holdBelow(), "the checkpoint stays below the command that copied");

            long fence = offset(j);
            assertTrue(fence > renameEnd);
            ReplicationEvent.Command append = command(renameEnd, fence, "APPEND", "user:1", "+later");
            assertInstanceOf(StreamFilter.Decision.Drop.class, decide(f, append), "already in the copied value");
            ReplicationEvent.Command after = command(fence, fence + 30, "APPEND", "user:1", "+after");
            assertInstanceOf(StreamFilter.Decision.Pass.class, decide(f, after), "past the fence: applied as usual");
            assertEquals(Long.MAX_VALUE, f.holdBelow(), "the hold lifts once the stream passed the fence");
            assertEquals(1L, filter.counts().get("recopied"));

            // kept → left out: the kept key is gone on the source, so the copy deletes it on the target
            j.rename("user:1", "user:1:cache");
            long end = offset(j);
            StreamFilter.Decision.Copies gone = assertInstanceOf(StreamFilter.Decision.Copies.class,
                    decide(f, command(end - 40, end, "RENAME", "user:1", "user:1:cache")));
            assertEquals(List.of("DEL", "user:1"), gone.writes().get(0).commands().get(0).stream()
                    .map(b -> new String(b, StandardCharsets.US_ASCII)).toList());
            assertEquals(Long.MAX_VALUE, f.holdBelow(), "nothing happened on the source after it: no fence to hold");

            // inside MULTI ... EXEC the hold goes back to the MULTI: a restart never resumes between the two
            j.set("user:2:cache", "v2");
            j.rename("user:2:cache", "user:2");
            long end2 = offset(j);
            j.append("user:2", "+later");
            decide(f, command(end2 - 40, end2, "RENAME", "user:2:cache", "user:2"));
            assertEquals(end2 - 40, f.holdBelow());
            f.holdFrom(end2 - 100);
            assertEquals(end2 - 100, f.holdBelow(), "held below the transaction's MULTI");
            f.streamAt(offset(j) + 1);
            assertEquals(Long.MAX_VALUE, f.holdBelow());
        } finally {
            source.flushAll();
        }
    }
}
