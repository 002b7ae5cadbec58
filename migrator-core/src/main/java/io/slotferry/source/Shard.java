package io.slotferry.source;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Part {@code index} of {@code count} of a fleet, for splitting it across processes ({@code --shard I/N}):
 * an instance belongs to part {@code SHA-256(name) mod N}, the first 8 bytes of the digest of its name
 * (UTF-8) read as an unsigned big-endian number. The part depends on the instance's name and N only, so
 * listing the fleet again, in any order, with instances added or removed, never moves the others.
 *
 * @param index 0 to count-1
 * @param count how many parts (processes)
 */
public record Shard(int index, int count) {
    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("--shard I/N needs 0 <= I < N, not " + index + "/" + count);
        }
    }

    /**
     * Parses {@code I/N}.
     *
     * @throws IllegalArgumentException not of that form
     */
    public static Shard parse(String text) {
        int slash = text.indexOf('/');
        try {
            if (slash > 0) {
                return new Shard(Integer.parseInt(text.substring(0, slash).trim()), Integer.parseInt(text.substring(slash + 1).trim()));
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("--shard must be I/N (this process's part I of N, from 0), e.g. 0/4, not " + text);
    }

    /** The part {@code instance} belongs to among {@code count}. */
    public static int of(String instance, int count) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(instance.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xff);
            }
            return (int) Long.remainderUnsigned(h, count);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** True when {@code instance} is in this part. */
    public boolean owns(String instance) {
        return of(instance, count) == index;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
