package io.slotferry.filter;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One {@code --include}/{@code --exclude} pattern, matched against a key's raw bytes.
 *
 * <ul>
 *   <li>{@link Glob}: Redis' own glob ({@code KEYS}/{@code SCAN MATCH}, {@code stringmatchlen} in util.c),
 *       byte for byte: {@code *}, {@code ?}, {@code [abc]}, {@code [^a-z]}, {@code \} escapes;</li>
 *   <li>{@link Regex}: {@code re:} followed by a Java regular expression that must match the whole key; the key's
 *       bytes are read as ISO-8859-1 (byte {@code 0xNN} is char {@code U+00NN}), so {@code \xNN} names a byte, and
 *       the expression's own non-ASCII characters are taken as their UTF-8 bytes.</li>
 * </ul>
 */
public sealed interface KeyPattern {

    /** Whether {@code key} matches. */
    boolean matches(byte[] key);

    /** The pattern as the operator wrote it. */
    String text();

    /**
     * {@code re:...} as a {@link Regex}, anything else as a {@link Glob} of its UTF-8 bytes.
     *
     * @throws IllegalArgumentException an invalid regular expression or an empty pattern
     */
    static KeyPattern parse(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("an empty key pattern matches only the empty key; write '*' for every key");
        }
        if (text.startsWith("re:")) {
            String bytes = new String(text.substring(3).getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            try {
                return new Regex(text, Pattern.compile(bytes, Pattern.DOTALL));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid regular expression in " + text + ": " + e.getDescription());
            }
        }
        return new Glob(text, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A Redis glob. */
    record Glob(String text, byte[] pattern) implements KeyPattern {
        @Override
        public boolean matches(byte[] key) {
            return StringMatch.matches(pattern, key);
        }
    }

    /** A regular expression over the key's bytes as ISO-8859-1 characters, matching the whole key. */
    record Regex(String text, Pattern pattern) implements KeyPattern {
        @Override
        public boolean matches(byte[] key) {
            return pattern.matcher(new String(key, StandardCharsets.ISO_8859_1)).matches();
        }
    }
}
