package io.slotferry.load;

import static io.slotferry.load.RecordingSink.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.slotferry.rdb.DumpPayload;
import io.slotferry.rdb.RdbType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Payload layout and the RESTORE command forms per target version. */
class RestorePayloadTest {
    private static final byte[] KEY = "k".getBytes(StandardCharsets.US_ASCII);

    @Test
    void payloadIsTheDumpPayloadOfTheValue() {
        byte[] value = {3, 'a', 'b', 'c'};
        byte[] p = RestorePayload.of(RdbType.STRING, value, 0x0102).bytes();
        assertArrayEquals(DumpPayload.build(0, value, 0x0102), p, "layout: rdb-parser's DumpPayloadTest");
        assertEquals(0x0102, new RestorePayload(p).rdbVersion());
    }

    @Test
    void oldTargetsGetTheirTtlAsPexpireatInTheSameTransaction() {
        RestorePayload p = RestorePayload.of(RdbType.STRING, new byte[] {1, 'x'}, 6);
        assertEquals(List.of("RESTORE k 1234 <p> REPLACE ABSTTL"), shapes(p, 1234, "5.0.0"));
        assertEquals(List.of("RESTORE k 0 <p> REPLACE ABSTTL"), shapes(p, -1, "7.0.15"));
        assertEquals(List.of("RESTORE k 0 <p> REPLACE", "PEXPIREAT k 1234"), shapes(p, 1234, "4.0.14"));
        assertEquals(List.of("RESTORE k 0 <p> REPLACE"), shapes(p, -1, "3.2.13"));
        assertEquals(List.of("DEL k", "RESTORE k 0 <p>", "PEXPIREAT k 1234"), shapes(p, 1234, "2.8.24"));
    }

    private static List<String> shapes(RestorePayload p, long expireAt, String version) {
        return p.commands(KEY, expireAt, TargetCapabilities.redis(version)).stream()
                .map(c -> c.stream().map(a -> a == p.bytes() ? "<p>" : text(a)).collect(Collectors.joining(" ")))
                .toList();
    }
}
