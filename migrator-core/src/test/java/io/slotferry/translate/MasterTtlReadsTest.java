package io.slotferry.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.slotferry.fixture.FreePort;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.resp.RedisEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MasterTtlReadsTest {

    private static ReplicationEvent.Command command(String... words) {
        return new ReplicationEvent.Command(0, java.util.Arrays.stream(words).map(w -> w.getBytes(StandardCharsets.US_ASCII)).toList(),
                0, 1, 0);
    }

    @Test
    void aCommandThatIsNoCandidateNeverConnects() throws Exception {
        try (MasterTtlReads reads = MasterTtlReads.ofSource(RedisEndpoint.plain("127.0.0.1", FreePort.pick()))) {
            ReplicationEvent.Command c = command("SET", "k", "text");
            assertSame(c.argv(), reads.argv(c));
            ReplicationEvent.Command e = command("SET", "k", "2.5", "EX", "10");
            assertSame(e.argv(), reads.argv(e));
            assertEquals(0, reads.asked());
        }
    }

    @Test
    void aSourceThatCannotBeAskedForItsVersionLeavesTheSetAsItIs() throws Exception {
        try (MasterTtlReads reads = MasterTtlReads.ofSource(RedisEndpoint.plain("127.0.0.1", FreePort.pick()))) {
            ReplicationEvent.Command c = command("SET", "k", "2.5");
            List<byte[]> out = reads.argv(c);
            assertSame(c.argv(), out);
            assertEquals(0, reads.asked());
        }
    }
}
