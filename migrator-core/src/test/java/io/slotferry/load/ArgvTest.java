package io.slotferry.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sorted-set scores as text that parses back (like Redis' strtod) to the very same double. */
class ArgvTest {

    @Test
    void scoreTextParsesBackToTheSameDoubleForRandomBitPatterns() {
        Random random = new Random(20261122L);
        for (int i = 0; i < 2_000_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(d)) {
                continue;
            }
            assertSameDouble(d);
        }
        for (double d : new double[] {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE,
            1e23, 8.41e21, 2e-3, 0.1, 1.0000000000000002, 9007199254740993.0, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY}) {
            assertSameDouble(d);
        }
    }

    @Test
    void infinitiesAreWrittenAsRedisSpellsThemAndNanIsRefused() {
        assertEquals("inf", new String(Argv.score(Double.POSITIVE_INFINITY), StandardCharsets.US_ASCII));
        assertEquals("-inf", new String(Argv.score(Double.NEGATIVE_INFINITY), StandardCharsets.US_ASCII));
        assertThrows(IllegalArgumentException.class, () -> Argv.score(Double.NaN));
    }

    private static void assertSameDouble(double d) {
        String text = new String(Argv.score(d), StandardCharsets.US_ASCII);
        double back = text.equals("inf") ? Double.POSITIVE_INFINITY
                : text.equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(text);
        assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(back), text);
    }
}
