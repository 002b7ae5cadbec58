package io.slotferry.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyspaceTest {

    @Test
    void readsKeysPerDatabaseFromInfoKeyspace() {
        String info = "# Keyspace\r\ndb0:keys=12,expires=3,avg_ttl=100\r\ndb4:keys=1,expires=0,avg_ttl=0\r\n";
        assertEquals(Map.of(0, 12L, 4, 1L), Keyspace.parse(info));
        assertEquals(Map.of(), Keyspace.parse("# Keyspace\r\n"));
    }
}
