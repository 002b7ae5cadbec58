package io.slotferry.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyPatternTest {

    private static boolean glob(String pattern, String key) {
        return KeyPattern.parse(pattern).matches(key.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aGlobMatchesAsRedisKeysDoesForTheUsualForms() {
        assertTrue(glob("user:*", "user:1"));
        assertTrue(glob("user:*", "user:"));
        assertFalse(glob("user:*", "users:1"));
        assertTrue(glob("user:*:cache", "user:1:cache"));
        assertTrue(glob("user:*:cache", "user::cache"));
        assertFalse(glob("user:*:cache", "user:cache"), "the two colons are both needed");
        assertFalse(glob("user:*:cache", "user:1:cache:h"));
        assertTrue(glob("h?llo", "hello"));
        assertFalse(glob("h?llo", "hllo"));
        assertTrue(glob("h[ae]llo", "hallo"));
        assertFalse(glob("h[^e]llo", "hello"));
        assertTrue(glob("h[a-b]llo", "hbllo"));
        assertTrue(glob("h[b-a]llo", "hallo"), "a reversed range is swapped, as Redis does");
        assertTrue(glob("a\\*b", "a*b"));
        assertFalse(glob("a\\*b", "axb"));
        assertTrue(glob("[\\]]", "]"));
        assertTrue(glob("ab\\", "ab\\"), "a trailing backslash is a literal");
        assertTrue(glob("a[bc", "ab"), "an unterminated class ends at the pattern's end");
        assertTrue(glob("**a**", "xxa"));
    }

    @Test
    void bytesAboveAsciiCompareAsSignedCharsInRanges() {
        byte[] key = {'k', (byte) 0xe9};
        assertTrue(new KeyPattern.Glob("k?", new byte[] {'k', '?'}).matches(key));
        assertTrue(new KeyPattern.Glob("k[]", new byte[] {'k', '[', (byte) 0x80, '-', (byte) 0xff, ']'}).matches(key));
        assertFalse(new KeyPattern.Glob("k[]", new byte[] {'k', '[', 'a', '-', 'z', ']'}).matches(key));
    }

    @Test
    void aRegularExpressionMatchesTheWholeKeyReadAsLatin1Bytes() {
        assertTrue(KeyPattern.parse("re:session:[0-9]+").matches("session:42".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(KeyPattern.parse("re:session:[0-9]+").matches("session:42x".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(KeyPattern.parse("re:k\\xe9").matches(new byte[] {'k', (byte) 0xe9}));
        assertTrue(KeyPattern.parse("re:caf\u00e9").matches("caf\u00e9".getBytes(StandardCharsets.UTF_8)),
                "a non-ASCII character of the expression stands for its UTF-8 bytes");
        assertTrue(KeyPattern.parse("re:a.b").matches(new byte[] {'a', '\n', 'b'}), "a dot matches every byte");
    }

    @Test
    void anInvalidPatternIsRefusedWithItsText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyPattern.parse("re:(unclosed"));
        assertTrue(e.getMessage().contains("re:(unclosed"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KeyPattern.parse(""));
    }

    @Test
    void aFilterTellsWhichOptionLeftAKeyOut() {
        KeyFilter f = KeyFilter.of(java.util.List.of("user:*"), java.util.List.of("user:*:cache"), java.util.List.of("hash", "string"));
        assertEquals(LeftOut.INCLUDE, f.byName("other:1".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(LeftOut.EXCLUDE, f.byName("user:1:cache".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(null, f.byName("user:1".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(LeftOut.TYPES, f.leftOut("user:1".getBytes(StandardCharsets.US_ASCII), io.slotferry.rdb.ValueType.LIST));
        assertFalse(f.keepsSnapshotKey("user:1:cache".getBytes(StandardCharsets.US_ASCII), io.slotferry.rdb.ValueType.HASH));
        assertTrue(f.keepsSnapshotKey("user:1".getBytes(StandardCharsets.US_ASCII), io.slotferry.rdb.ValueType.HASH));
        assertEquals(java.util.Map.of("snapshot:exclude", 1L), f.counts());
        assertEquals(java.util.Map.of(), f.counting().counts(), "a worker's copy counts on its own");
        assertThrows(IllegalArgumentException.class, () -> KeyFilter.of(java.util.List.of(), java.util.List.of(), java.util.List.of("json")));
        assertEquals("--include 'user:*' --exclude 'user:*:cache' --types string,hash", f.describe());
    }
}
