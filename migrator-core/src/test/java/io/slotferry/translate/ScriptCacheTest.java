package io.slotferry.translate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScriptCacheTest {

    @Test
    void namesScriptsByTheirSha1AsRedisDoesAndForgetsThemOnFlush() {
        ScriptCache cache = new ScriptCache();
        byte[] body = "return 1".getBytes(StandardCharsets.UTF_8);
        // SCRIPT LOAD "return 1" answers this SHA-1 on every Redis version
        assertEquals("e0e1f9fabfc9d4800c877a703b823ac0578ff8db", cache.add(body));
        assertArrayEquals(body, cache.body("E0E1F9FABFC9D4800C877A703B823AC0578FF8DB".getBytes(StandardCharsets.US_ASCII)));
        cache.clear();
        assertNull(cache.body("e0e1f9fabfc9d4800c877a703b823ac0578ff8db".getBytes(StandardCharsets.US_ASCII)));
    }
}
