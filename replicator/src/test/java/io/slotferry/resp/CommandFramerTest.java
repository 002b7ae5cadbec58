package io.slotferry.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CommandFramerTest {
    private record Framed(long start, long end, List<String> argv) {
    }

    private static byte[] stream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(RespWriter.command("SELECT", "0"));
        out.writeBytes(RespWriter.command("SET", "k", ""));
        out.writeBytes(RespWriter.command("REPLCONF", "GETACK", "*"));
        out.writeBytes(RespWriter.command("SET", "big", "x".repeat(5000)));
        return out.toByteArray();
    }

    private static List<Framed> frame(byte[] data, int[] cuts, long keep) throws Exception {
        return frame(data, cuts, new CommandFramer(100, keep));
    }

    private static List<Framed> frame(byte[] data, int[] cuts, CommandFramer f) throws Exception {
        List<Framed> out = new ArrayList<>();
        int at = 0;
        for (int cut : cuts) {
            f.feed(data, at, cut - at, (s, e, argv) -> out.add(new Framed(s, e, argv == null ? null
                    : argv.stream().map(a -> new String(a, StandardCharsets.ISO_8859_1)).toList())));
            at = cut;
        }
        return out;
    }

    @Test
    void findsEveryCommandWhereverTheInputIsCut() throws Exception {
        byte[] data = stream();
        List<Framed> whole = frame(data, new int[] {data.length}, Long.MAX_VALUE);
        assertEquals(4, whole.size());
        assertEquals(100, whole.get(0).start());
        assertEquals(100 + data.length, whole.get(3).end());
        assertEquals(List.of("SET", "k", ""), whole.get(1).argv());
        for (int i = 1; i < whole.size(); i++) {
            assertEquals(whole.get(i - 1).end(), whole.get(i).start());
        }
        Random random = new Random(3);
        for (int round = 0; round < 200; round++) {
            int pieces = 1 + random.nextInt(40);
            int[] cuts = random.ints(pieces - 1, 1, data.length).sorted().distinct().toArray();
            int[] all = java.util.Arrays.copyOf(cuts, cuts.length + 1);
            all[cuts.length] = data.length;
            assertEquals(whole, frame(data, all, Long.MAX_VALUE));
        }
        // Byte by byte.
        int[] each = java.util.stream.IntStream.rangeClosed(1, data.length).toArray();
        assertEquals(whole, frame(data, each, Long.MAX_VALUE));
    }

    @Test
    void keepsOnlySmallCommandsWhenAsked() throws Exception {
        byte[] data = stream();
        List<Framed> small = frame(data, new int[] {data.length}, 64);
        assertEquals(List.of("REPLCONF", "GETACK", "*"), small.get(2).argv());
        assertNull(small.get(3).argv(), "a 5000-byte value is not kept");
    }

    @Test
    void keepsOnlyTheNamedCommandWhenAskedWhereverTheInputIsCut() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(stream());
        out.writeBytes(RespWriter.command("replconf", "getack", "*"));
        out.writeBytes(RespWriter.command("SETRANGE", "k", "0", "v")); // as long as REPLCONF, another name
        byte[] data = out.toByteArray();
        List<Framed> whole = frame(data, new int[] {data.length}, new CommandFramer(100, 64, "REPLCONF"));
        assertEquals(6, whole.size());
        for (int i : new int[] {0, 1, 3, 5}) {
            assertNull(whole.get(i).argv(), "command " + i + " is not a REPLCONF");
        }
        assertEquals(List.of("REPLCONF", "GETACK", "*"), whole.get(2).argv());
        assertEquals(List.of("replconf", "getack", "*"), whole.get(4).argv());
        assertEquals(frame(data, new int[] {data.length}, Long.MAX_VALUE).stream().map(Framed::end).toList(),
                whole.stream().map(Framed::end).toList(), "the same boundaries as when every argument is kept");
        int[] each = java.util.stream.IntStream.rangeClosed(1, data.length).toArray();
        assertEquals(whole, frame(data, each, new CommandFramer(100, 64, "REPLCONF")));
    }

    @Test
    void rejectsWhatIsNotACommandArrayWithItsOffset() {
        CommandFramer f = new CommandFramer(7, Long.MAX_VALUE);
        byte[] inline = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
        RespProtocolException e = assertThrows(RespProtocolException.class, () -> f.feed(inline, 0, inline.length, (s, x, a) -> { }));
        assertTrue(e.getMessage().contains("offset 7"), e.getMessage());
        byte[] badLength = "*1\r\n$x\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(RespProtocolException.class, () -> new CommandFramer(0, 0).feed(badLength, 0, badLength.length, (s, x, a) -> { }));
    }
}
