package io.slotferry.verify;

import io.slotferry.resp.RespValue;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * A digest of one key's serialized value (SHA-256 of its DUMP), to tell a key that is still being
 * written (both sides change between re-checks) from one that stays different. Only for values of
 * at most {@link #MAX_BYTES} ({@code MEMORY USAGE}), so memory stays bounded; null otherwise, or
 * when the server cannot say (no MEMORY USAGE before Redis 4, a key gone).
 */
final class Fingerprint {
    static final long MAX_BYTES = 1 << 20;

    private Fingerprint() {
    }

    static byte[] of(Side side) throws IOException, InterruptedException {
        List<byte[]> usage = Request.of("MEMORY", "USAGE", side.key());
        RespValue size = side.call(usage);
        if (!(size instanceof RespValue.Integer n) || n.value() > MAX_BYTES) {
            return null;
        }
        List<byte[]> dump = Request.of("DUMP", side.key());
        RespValue payload = side.call(dump);
        if (!(payload instanceof RespValue.Bulk b) || b.bytes() == null) {
            return null;
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(b.bytes());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
