package io.slotferry.load;

import io.slotferry.rdb.KeyHeader;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbOptions;
import io.slotferry.rdb.RdbReader;
import io.slotferry.resp.Ascii;
import io.slotferry.routing.HashSlot;
import io.slotferry.write.Write;
import io.slotferry.write.WriteException;
import io.slotferry.write.WriteSink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a load that stopped in the middle of a snapshot (the process killed, the host lost) left on the
 * target: the keys of that snapshot file, as far as it was received. A restart cannot resume such a
 * load; it takes a new snapshot and loads it with {@code REPLACE}, which rewrites every key the new
 * snapshot holds but leaves the keys the source deleted or renamed between the two snapshots. They are
 * deleted first: every key the earlier file names (mapped and filtered as the load did), which the
 * new snapshot then writes again if the source still has it. Only keys the source itself had are
 * deleted, so neighbouring sources of a fleet keep theirs.
 *
 * <p>Values are skipped, not read: memory stays one key name at a time. A file cut short (the transfer
 * was interrupted) is read up to its cut: the earlier load could not have gone further.
 */
public final class InterruptedLoad {
    private static final Logger LOG = Logger.getLogger(InterruptedLoad.class.getName());
    private static final byte[] DEL = Ascii.bytes("DEL");

    private InterruptedLoad() {
    }

    /**
     * Deletes from the target, through {@code sink}, every key the snapshot {@code file} names (mapped and
     * filtered by {@code options}, as a load would), and drains the sink; returns how many deletes were sent.
     */
    public static long deleteKeysOf(Path file, WriteSink sink, LoadOptions options) throws IOException, InterruptedException,
            WriteException {
        long deleted = 0;
        try (InputStream in = Files.newInputStream(file);
             RdbReader reader = RdbReader.open(in, RdbOptions.raw().withMaxRawValueBytes(0))) {
            while (true) {
                RdbEvent e;
                try {
                    e = reader.next();
                } catch (IOException | RuntimeException cut) {
                    // the transfer or the file ended here: the cut load could not read past it either
                    LOG.log(Level.WARNING, "{0} read up to byte {1} ({2}): keys named after it, never loaded, are not deleted",
                            new Object[] {file.getFileName(), reader.offset(), cut.toString()});
                    break;
                }
                if (e == null) {
                    break;
                }
                KeyHeader h = e instanceof RdbEvent.RawValue v ? v.key() : e instanceof RdbEvent.KeyBegin b ? b.key() : null;
                if (h == null) {
                    continue;
                }
                byte[] key = options.keyMapping().targetKey(h.db(), h.key());
                if (key == null || options.filter().leftOut(h.key(), h.type().valueType()) != null) {
                    continue; // never loaded
                }
                sink.submit(new Write(HashSlot.of(key), key, List.of(List.of(DEL, key)), h.offset(), null, 0));
                deleted++;
            }
        }
        sink.drain();
        return deleted;
    }
}
