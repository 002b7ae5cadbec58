package io.slotferry.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RespWriterTest {
    @Test
    void encodesASetCommandAsRespArrayOfBulkStrings() {
        byte[] expected = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(expected, RespWriter.command("SET", "k", ""));
    }

    @Test
    void encodesInPlaceExactlyAsCommandAndPredictsTheLength() {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            List<byte[]> argv = new ArrayList<>();
            int args = 1 + random.nextInt(12);
            for (int i = 0; i < args; i++) {
                // lengths around every digit-count boundary: 0, 9, 10, 99, 100, 999, 1000, ...
                int[] sizes = {0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 9999, 10000, 100000};
                byte[] a = new byte[sizes[random.nextInt(sizes.length)]];
                random.nextBytes(a);
                argv.add(a);
            }
            byte[] expected = RespWriter.command(argv);
            assertEquals(expected.length, RespWriter.encodedLength(argv));
            byte[] buf = new byte[expected.length + 10];
            int end = RespWriter.encode(argv, buf, 5);
            assertEquals(5 + expected.length, end);
            assertArrayEquals(expected, Arrays.copyOfRange(buf, 5, end));
        }
    }
}
