package io.slotferry.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.slotferry.command.CommandSpec;
import io.slotferry.command.CommandTable;
import io.slotferry.command.KeyRef;
import io.slotferry.fixture.Bulk;
import io.slotferry.load.TargetCapabilities;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.split.SlotCommand;
import io.slotferry.translate.DbMapping;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The decisions of {@link StreamFilter} that need no source read (the re-copies are exercised against real servers
 * by the cli's FilterIT): narrowing, dropping, and what {@code --types} does to typed and untyped writes.
 */
class StreamFilterTest {
    private static final CommandTable TABLE = CommandTable.load();
    /** Nothing listens there: a test that reached the source would fail. */
    private static final RedisEndpoint NOWHERE = RedisEndpoint.plain("127.0.0.1", 1);

    private final KeyFilter filter = KeyFilter.of(List.of("user:*"), List.of("user:*:cache"), List.of("hash", "string"));
    private final StreamFilter stream = new StreamFilter(filter, new DbMapping.Only(0), TargetCapabilities.redis("7.0.15"), 0,
            NOWHERE);

    private StreamFilter.Decision decide(String... words) throws Exception {
        List<byte[]> argv = Bulk.argv(words); // unmodifiable: the filter must not edit its input
        CommandSpec spec = TABLE.lookup(argv).orElseThrow();
        List<KeyRef> keys = spec.keys(argv);
        return stream.decide(new ReplicationEvent.Command(0, argv, 100, 120, 0), spec, argv, keys);
    }

    private static List<String> words(List<byte[]> argv) {
        return argv.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aCommandOnKeptKeysPassesAndOneOnLeftOutKeysIsDropped() throws Exception {
        assertInstanceOf(StreamFilter.Decision.Pass.class, decide("SET", "user:1", "v"));
        assertInstanceOf(StreamFilter.Decision.Drop.class, decide("SET", "user:1:cache", "v"));
        assertInstanceOf(StreamFilter.Decision.Drop.class, decide("HSET", "other:1", "f", "v"));
        assertEquals(Map.of("stream:exclude", 1L, "stream:include", 1L), filter.counts());
    }

    @Test
    void msetAndDelAreNarrowedToTheirKeptKeys() throws Exception {
        StreamFilter.Decision.Narrowed m = assertInstanceOf(StreamFilter.Decision.Narrowed.class,
                decide("MSET", "user:1", "a", "user:2:cache", "b", "other", "c", "user:3", "d"));
        assertEquals(List.of("MSET", "user:1", "a", "user:3", "d"), words(m.argv()));
        assertEquals(List.of(1, 3), m.keys().stream().map(KeyRef::index).toList());
        StreamFilter.Decision.Narrowed d = assertInstanceOf(StreamFilter.Decision.Narrowed.class,
                decide("DEL", "other", "user:9", "user:9:cache"));
        assertEquals(List.of("DEL", "user:9"), words(d.argv()));
        assertEquals(Map.of("stream:exclude", 2L, "stream:include", 2L), filter.counts());
    }

    @Test
    void aWriteOfALeftOutTypeIsDroppedOrDeletesTheKeyItMayHaveReplaced() throws Exception {
        assertInstanceOf(StreamFilter.Decision.Drop.class, decide("LPUSH", "user:1", "x"));
        assertInstanceOf(StreamFilter.Decision.Drop.class, decide("SADD", "user:1", "x"));
        // SUNIONSTORE replaces its destination whatever it held: a kept hash there must go from the target too
        StreamFilter.Decision.Copies c = assertInstanceOf(StreamFilter.Decision.Copies.class,
                decide("SUNIONSTORE", "user:2", "user:3", "other"));
        assertEquals(1, c.writes().size());
        SlotCommand del = c.writes().get(0);
        assertEquals(List.of("DEL", "user:2"), words(del.commands().get(0)));
        assertEquals(Map.of("stream:types", 4L, "stream:include", 1L), filter.counts());
    }

    @Test
    void anUntypedWriteOnExistingKeysOnlyIsDecidedByTheNamesAlone() throws Exception {
        assertInstanceOf(StreamFilter.Decision.Pass.class, decide("EXPIRE", "user:1", "100"));
        assertInstanceOf(StreamFilter.Decision.Pass.class, decide("PERSIST", "user:1"));
        assertInstanceOf(StreamFilter.Decision.Drop.class, decide("UNLINK", "other:1"));
    }

    @Test
    void aCodisRestoreOfALeftOutTypeDeletesTheKey() {
        byte[] listPayload = {14, 0, 0};
        List<List<byte[]>> restore = List.of(List.of("RESTORE".getBytes(StandardCharsets.US_ASCII),
                "user:1".getBytes(StandardCharsets.US_ASCII), new byte[] {'0'}, listPayload));
        List<List<byte[]>> out = stream.codisKey("user:1".getBytes(StandardCharsets.US_ASCII), restore);
        assertEquals(List.of("DEL", "user:1"), words(out.get(0)));
        assertEquals(List.of(), stream.codisKey("other".getBytes(StandardCharsets.US_ASCII), restore));
        byte[] stringPayload = Arrays.copyOf(listPayload, 3);
        stringPayload[0] = 0;
        List<List<byte[]>> kept = List.of(List.of(restore.get(0).get(0), restore.get(0).get(1), restore.get(0).get(2), stringPayload));
        assertEquals(kept, stream.codisKey("user:1".getBytes(StandardCharsets.US_ASCII), kept));
    }
}
