package io.slotferry.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AsciiTest {

    private static void assertDecimal(long n) {
        assertEquals(Long.toString(n), new String(Ascii.number(n), StandardCharsets.US_ASCII), "the digits of " + n);
    }

    @Test
    void aNumberIsItsDecimalDigitsAtEveryLengthAndSign() {
        for (long n : new long[] {0, 1, -1, 9, 10, -10, 99, 100, 1_733_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1}) {
            assertDecimal(n);
        }
        long power = 1;
        for (int digits = 1; digits < 19; digits++, power *= 10) {
            assertDecimal(power - 1);
            assertDecimal(power);
            assertDecimal(-power);
        }
        Random random = new Random(15);
        for (int i = 0; i < 100_000; i++) {
            long n = random.nextLong() >> random.nextInt(64); // every magnitude, both signs
            assertDecimal(n);
        }
    }
}
