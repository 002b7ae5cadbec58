package io.slotferry.replay;

import io.slotferry.resp.Ascii;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.write.TargetNodes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Visits the target's keys with {@code SCAN} on every primary (a cluster's SCAN covers one node),
 * optionally narrowed by a {@code MATCH} pattern; one page of keys in memory at a time. Keys the visitor
 * deletes or renames during the walk are fine: SCAN returns every key present for the whole walk.
 */
final class KeyspaceWalk {
    private static final byte[] ZERO = {'0'};

    @FunctionalInterface
    interface Visitor {
        void page(List<byte[]> keys) throws IOException, InterruptedException, ReplayException;
    }

    /** A page of keys with the primary it was read from (for callers that pipeline to it). */
    @FunctionalInterface
    interface PrimaryVisitor {
        void page(RedisEndpoint primary, List<byte[]> keys) throws IOException, InterruptedException, ReplayException;
    }

    private KeyspaceWalk() {
    }

    static void walk(TargetNodes nodes, byte[] pattern, Visitor visitor) throws IOException, InterruptedException, ReplayException {
        walk(nodes, pattern, (primary, keys) -> visitor.page(keys));
    }

    static void walk(TargetNodes nodes, byte[] pattern, PrimaryVisitor visitor)
            throws IOException, InterruptedException, ReplayException {
        for (RedisEndpoint primary : nodes.primaries()) {
            byte[] cursor = ZERO;
            do {
                List<byte[]> argv = new ArrayList<>(List.of(Ascii.bytes("SCAN"), cursor, Ascii.bytes("COUNT"), Ascii.bytes("1000")));
                if (pattern != null) {
                    argv.add(Ascii.bytes("MATCH"));
                    argv.add(pattern);
                }
                RespValue r = nodes.callOn(primary, argv);
                if (!(r instanceof RespValue.Array a) || a.items().size() != 2
                        || !(a.items().get(0) instanceof RespValue.Bulk c) || !(a.items().get(1) instanceof RespValue.Array page)) {
                    throw new IOException("SCAN on " + primary + " answered " + r);
                }
                cursor = c.bytes();
                List<byte[]> keys = new ArrayList<>(page.items().size());
                for (RespValue k : page.items()) {
                    keys.add(((RespValue.Bulk) k).bytes());
                }
                if (!keys.isEmpty()) {
                    visitor.page(primary, keys);
                }
            } while (!Arrays.equals(cursor, ZERO));
        }
    }

    /** {@code prefix} as a SCAN pattern matching the keys that start with it. */
    static byte[] prefixPattern(byte[] prefix) {
        byte[] out = new byte[prefix.length * 2 + 1];
        int n = 0;
        for (byte b : prefix) {
            if (b == '*' || b == '?' || b == '[' || b == ']' || b == '\\') {
                out[n++] = '\\';
            }
            out[n++] = b;
        }
        out[n++] = '*';
        return Arrays.copyOf(out, n);
    }
}
