package io.slotferry.replay;

import io.slotferry.resp.Ascii;
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
    private static final long FAILOVER_WAIT_MILLIS = 60_000;

    private FunctionLibraries() {
    }

    /** Loads a snapshot's library on every primary, replacing one of the same name. */
    public static void loadEverywhere(TargetNodes nodes, byte[] code) throws IOException {
        everyPrimary(nodes, List.of(Ascii.bytes("FUNCTION"), Ascii.bytes("LOAD"), Ascii.bytes("REPLACE"), code));
    }

    /**
     * A stream command every primary must run ({@code FUNCTION LOAD} as {@code FUNCTION LOAD REPLACE}:
     * the source accepted it, so the library was new there; on the target it may exist from an earlier
     * run or another source, and replacing it gives the same end state), as a barrier step for the
     * command starting at {@code start}; a refusal stops the worker.
     */
    static Step broadcast(TargetNodes nodes, List<byte[]> argv, long start) {
        List<byte[]> command = loadReplacing(argv);
        return new Step.Barrier(start + 1, offset -> {
            try {
                everyPrimary(nodes, command);
            } catch (RefusedException e) {
                throw new ReplayException(Ascii.upper(command.get(0)), start, e.getMessage(), e);
            }
        });
    }

    private static List<byte[]> loadReplacing(List<byte[]> argv) {
        if (argv.size() == 3 && Ascii.upper(argv.get(0)).equals("FUNCTION") && Ascii.upper(argv.get(1)).equals("LOAD")) {
            return List.of(argv.get(0), argv.get(1), Ascii.bytes("REPLACE"), argv.get(2));
        }
        return argv;
    }

    /**
     * Runs {@code command} on every primary; a refusal names the primary and the reply. A node that is no
     * primary any more (READONLY after a failover, or unreachable while one happens) makes it read the slot
     * table again and run the command on every primary again, for up to {@link #FAILOVER_WAIT_MILLIS}.
     */
    public static void everyPrimary(TargetNodes nodes, List<byte[]> command) throws IOException {
        long deadline = System.currentTimeMillis() + FAILOVER_WAIT_MILLIS;
        while (true) {
            String moved = null;
            for (RedisEndpoint primary : nodes.primaries()) {
                String where = primary.host() + ":" + primary.port();
                RespValue r;
                try {
                    r = nodes.callOn(primary, command);
                } catch (IOException e) {
                    moved = where + ": " + e.getMessage();
                    break;
                }
                if (r instanceof RespValue.Error e && (e.message().startsWith("READONLY") || e.message().startsWith("MOVED")
                        || e.message().startsWith("CLUSTERDOWN") || e.message().startsWith("LOADING"))) {
                    moved = where + ": " + e.message();
                    break;
                }
                if (r instanceof RespValue.Error e) {
                    throw new RefusedException(new String(command.get(0), StandardCharsets.US_ASCII) + " refused by primary "
                            + where + ": " + e.message());
                }
            }
            if (moved == null) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new RefusedException(new String(command.get(0), StandardCharsets.US_ASCII) + " could not reach every primary"
                        + " within " + FAILOVER_WAIT_MILLIS / 1000 + " s: " + moved);
            }
            sleep();
            nodes.refreshSlots();
        }
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the target fails over", e);
        }
    }

    /** A primary refused a command every primary must run. */
    public static final class RefusedException extends IOException {
        RefusedException(String message) {
            super(message);
        }
    }
}
