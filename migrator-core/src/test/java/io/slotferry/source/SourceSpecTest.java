package io.slotferry.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SourceSpecTest {
    @Test
    void readsAnRdbFileSource() {
        SourceSpec s = SourceSpec.parse("rdb:/backups/dump.rdb.gz");
        assertEquals(new SourceSpec.RdbFile("/backups/dump.rdb.gz"), s);
        assertEquals("rdb:/backups/dump.rdb.gz", s.name());
    }

    @Test
    void refusesAnEmptyRdbPath() {
        assertThrows(IllegalArgumentException.class, () -> SourceSpec.parse("rdb:"));
    }

    @Test
    void refusesAnUnknownSchemeWithoutEchoingItsPassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SourceSpec.parse("sacn:redis://admin:s3cret@10.0.0.1:6379"));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertTrue(e.getMessage().contains("scan:redis://"), e.getMessage());
    }

    @Test
    void refusesUnknownFormsListingTheAcceptedOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceSpec.parse("/tmp/dump.rdb"));
        assertTrue(e.getMessage().contains("rdb:PATH"), e.getMessage());
    }
}
