package io.slotferry.replay;

import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.write.TargetNodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Commands every primary must run: function libraries live per node, and {@code FCALL} runs on the
 * shard of its keys, so {@code FUNCTION LOAD/DELETE/RESTORE} (from the stream or the snapshot) go to all
 * of them. Sent only while the writer is drained.
 */
public final class FunctionLibraries {
    private FunctionLibraries() {
    }

    /** Loads a snapshot's library on every primary, replacing one of the same name. */
    public static void loadEverywhere(TargetNodes nodes, byte[] code) throws IOException {
        everyPrimary(nodes, List.of(ascii("FUNCTION"), ascii("LOAD"), ascii("REPLACE"), code));
    }

    /** Runs {@code command} on every primary; a refusal names the primary and the reply. */
    public static void everyPrimary(TargetNodes nodes, List<byte[]> command) throws IOException {
        for (RedisEndpoint primary : nodes.primaries()) {
            RespValue r = nodes.callOn(primary, command);
            if (r instanceof RespValue.Error e) {
                throw new RefusedException(new String(command.get(0), StandardCharsets.US_ASCII) + " refused by primary "
                        + primary.host() + ":" + primary.port() + ": " + e.message());
            }
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A primary refused a command every primary must run. */
    public static final class RefusedException extends IOException {
        RefusedException(String message) {
            super(message);
        }
    }
}
