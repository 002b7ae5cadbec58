package io.slotferry.translate;

import static io.slotferry.fixture.Bulk.argv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LossyReplicationTest {

    @Test
    void sourcesFrom26To50DropTheTtlOfIncrByFloatAndLaterOnesDoNot() {
        for (String v : new String[] {"2.6.17", "2.8.24", "3.2.11", "3.2.13", "4.0.14", "5.0.14"}) {
            assertTrue(LossyReplication.of(v).incrByFloatDropsTtl(), v);
            assertEquals(1, LossyReplication.of(v).risks().size(), v);
        }
        for (String v : new String[] {"6.0.20", "6.2.16", "7.0.15", "7.2.4", "?"}) {
            assertFalse(LossyReplication.of(v).any(), v);
            assertTrue(LossyReplication.of(v).risks().isEmpty(), v);
        }
        assertFalse(LossyReplication.of("7.4.1").any(), "HINCRBYFLOAT's lost field TTL is named, not corrected");
        assertEquals(1, LossyReplication.of("7.4.1").risks().size());
    }

    @Test
    void onlyAPlainSetOfANumberAsIncrByFloatPrintsItIsACandidate() {
        LossyReplication old = LossyReplication.of("5.0.14");
        assertTrue(old.ttlMayBeLost(argv("SET", "k", "2.5")));
        assertTrue(old.ttlMayBeLost(argv("set", "k", "-0.125")));
        assertTrue(old.ttlMayBeLost(argv("SET", "k", "3"))); // 1.5 + 1.5 prints as 3
        assertFalse(old.ttlMayBeLost(argv("SET", "k", "2.5", "EX", "10")));
        assertFalse(old.ttlMayBeLost(argv("SET", "k", "1e5")));
        assertFalse(old.ttlMayBeLost(argv("SET", "k", "2.")));
        assertFalse(old.ttlMayBeLost(argv("SET", "k", ".5")));
        assertFalse(old.ttlMayBeLost(argv("SET", "k", "inf")));
        assertFalse(old.ttlMayBeLost(argv("SET", "k", "v1")));
        assertFalse(old.ttlMayBeLost(argv("GETSET", "k", "2.5")));
        assertFalse(LossyReplication.of("6.2.16").ttlMayBeLost(argv("SET", "k", "2.5")));
    }
}
