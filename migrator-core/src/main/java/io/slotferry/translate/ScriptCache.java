package io.slotferry.translate;

import io.slotferry.resp.Ascii;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Script bodies by SHA-1, learnt from {@code EVAL} and {@code SCRIPT LOAD} in the stream and from the
 * snapshot's {@code lua} AUX fields: Redis before 5.0 (and codis-server) replicate {@code EVALSHA} as is
 * only to replicas that saw the body, and a target shard may never have seen it. Holds what the source's
 * own script cache holds, so it is bounded by the source; {@code SCRIPT FLUSH} empties it.
 */
public final class ScriptCache {
    private final Map<String, byte[]> bodies = new HashMap<>();

    /** Remembers {@code body}; returns its SHA-1 in lower-case hex, as Redis names scripts. */
    public String add(byte[] body) {
        String sha = sha1(body);
        bodies.put(sha, body);
        return sha;
    }

    /** The body of script {@code sha} (any case), or null when it was never seen. */
    public byte[] body(byte[] sha) {
        return bodies.get(Ascii.lower(sha));
    }

    public void clear() {
        bodies.clear();
    }

    public int size() {
        return bodies.size();
    }

    static String sha1(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
