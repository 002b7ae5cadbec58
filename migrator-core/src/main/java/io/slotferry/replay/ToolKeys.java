package io.slotferry.replay;

import io.slotferry.resp.RespValue;
import io.slotferry.routing.HashSlot;
import io.slotferry.write.TargetNodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys the migrator keeps in the target for itself, all starting with {@link AppliedMarks#TOOL_PREFIX}:
 * applied and barrier marks, emulation journals and scratch keys. They must not outlive the migration:
 * {@code migrate finish} deletes them, {@code migrate verify} counts them.
 */
public final class ToolKeys {
    private static final byte[] PATTERN = KeyspaceWalk.prefixPattern(AppliedMarks.TOOL_PREFIX.getBytes(StandardCharsets.US_ASCII));
    private static final byte[] UNLINK = "UNLINK".getBytes(StandardCharsets.US_ASCII);

    private ToolKeys() {
    }

    /** Deletes every tool key on every primary (one page of keys at a time); returns how many were deleted. */
    public static long deleteAll(TargetNodes nodes) throws IOException, InterruptedException {
        long[] deleted = {0};
        walk(nodes, keys -> {
            List<List<byte[]>> unlinks = new ArrayList<>(keys.size());
            for (byte[] k : keys) {
                unlinks.add(List.of(UNLINK, k)); // one key per command: a cluster refuses keys of several slots
            }
            for (int i = 0; i < keys.size(); i++) {
                RespValue r = nodes.call(HashSlot.of(keys.get(i)), unlinks.get(i));
                if (r instanceof RespValue.Error e) {
                    throw new IOException("deleting " + new String(keys.get(i), StandardCharsets.UTF_8) + " failed: " + e.message());
                }
                if (r instanceof RespValue.Integer n) {
                    deleted[0] += n.value();
                }
            }
        });
        return deleted[0];
    }

    /** How many tool keys the target holds. */
    public static long count(TargetNodes nodes) throws IOException, InterruptedException {
        long[] n = {0};
        walk(nodes, keys -> n[0] += keys.size());
        return n[0];
    }

    private static void walk(TargetNodes nodes, KeyspaceWalk.Visitor visitor) throws IOException, InterruptedException {
        try {
            KeyspaceWalk.walk(nodes, PATTERN, visitor);
        } catch (ReplayException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
