package io.slotferry.replay;

import io.slotferry.command.KeyRef;
import io.slotferry.load.LoadStats;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.resp.Ascii;
import io.slotferry.resp.RespValue;
import io.slotferry.routing.HashSlot;
import io.slotferry.split.SlotCommand;
import io.slotferry.translate.DbMapping;
import io.slotferry.write.TargetNodes;
import io.slotferry.write.Write;
import io.slotferry.write.WriteSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The commands that name databases, which a cluster does not have: {@code FLUSHDB}/{@code FLUSHALL},
 * {@code SWAPDB} and {@code MOVE}, each through the {@link DbMapping} and the {@link FlushPolicy}.
 */
final class DatabaseCommands {
    private static final Logger LOG = Logger.getLogger(DatabaseCommands.class.getName());
    private static final byte[] SWAP_STAGING = "slotferry-swapdb:".getBytes(StandardCharsets.US_ASCII);

    private final ReplayOptions options;
    private final WriteSink writer;
    private final TargetNodes nodes;
    private final CrossSlotEmulation emulation;
    private final ReplayStats stats;

    DatabaseCommands(ReplayOptions options, WriteSink writer, TargetNodes nodes, CrossSlotEmulation emulation, ReplayStats stats) {
        this.options = options;
        this.writer = writer;
        this.nodes = nodes;
        this.emulation = emulation;
        this.stats = stats;
    }

    List<Step> flush(ReplicationEvent.Command c) throws ReplayException {
        boolean all = c.name().equals("FLUSHALL");
        DbMapping map = options.dbMapping();
        if (!all && map.targetKey(c.db(), new byte[] {'k'}) == null) {
            stats.skipped("other-db");
            return List.of();
        }
        switch (options.flush()) {
            case STOP -> throw new ReplayException(c.name(), c.startOffset(), (all ? "FLUSHALL" : "FLUSHDB of db " + c.db())
                    + " would delete keys of every source on the shared target; choose --flush=delete-own-keys (delete only"
                    + " this source's keys) or --flush=ignore (skip it, with a warning)");
            case IGNORE -> {
                LOG.log(Level.WARNING, "{0} at source offset {1} skipped (--flush=ignore): the target keeps the keys the source deleted",
                        new Object[] {c.name(), c.startOffset()});
                stats.skipped("flush-ignored");
                return List.of();
            }
            default -> {
                stats.count("flushed");
                int db = c.db();
                return List.of(new Step.Barrier(c.startOffset() + 1, offset -> deleteOwnKeys(all ? -1 : db, offset)));
            }
        }
    }

    /** Deletes every target key this source owns in database {@code db} (-1: every database it maps). */
    private void deleteOwnKeys(int db, long offset) throws IOException, InterruptedException, ReplayException {
        DbMapping map = options.dbMapping();
        byte[] pattern = null;
        if (map instanceof DbMapping.Prefix p && db > 0) {
            pattern = KeyspaceWalk.prefixPattern(p.prefix(db));
        }
        long[] deleted = {0};
        KeyspaceWalk.walk(nodes, pattern, keys -> {
            for (byte[] key : keys) {
                int from = map.sourceDb(key);
                if (db >= 0 && from >= 0 && from != db) {
                    continue;
                }
                if (map instanceof DbMapping.Only only && db >= 0 && db != only.db()) {
                    continue;
                }
                byte[] sourceKey = map instanceof DbMapping.Prefix p ? p.sourceKey(key) : key;
                if (options.ownership().owns(sourceKey)) {
                    writer.submit(Write.of(key, offset, List.of(Ascii.bytes("DEL"), key)));
                    deleted[0]++;
                }
            }
        });
        writer.drain();
        LOG.log(Level.INFO, "flush at source offset {0}: deleted {1} key(s) of this source", new Object[] {offset, deleted[0]});
    }

    List<Step> swapdb(ReplicationEvent.Command c) throws ReplayException {
        if (!(options.dbMapping() instanceof DbMapping.Prefix p)) {
            throw new ReplayException("SWAPDB", c.startOffset(), "under --db-map " + options.dbMapping()
                    + " two databases cannot be swapped on a cluster's single database; use --db-map prefix");
        }
        if (c.argv().size() != 3) {
            throw new ReplayException("SWAPDB", c.startOffset(), "needs two databases");
        }
        int a = database(c, c.argv().get(1));
        int b = database(c, c.argv().get(2));
        if (a == b) {
            stats.skipped("swapdb-same");
            return List.of();
        }
        if (a == 0 || b == 0) {
            throw new ReplayException("SWAPDB", c.startOffset(), "database 0 has no prefix under --db-map prefix, so its keys"
                    + " cannot be told apart for a swap");
        }
        stats.count("swapdb");
        return List.of(new Step.Barrier(c.startOffset() + 1, offset -> {
            renamePrefix(p.prefix(a), SWAP_STAGING);
            renamePrefix(p.prefix(b), p.prefix(a));
            renamePrefix(SWAP_STAGING, p.prefix(b));
        }));
    }

    /** Renames every owned key starting with {@code from} to start with {@code to} instead (cross-slot safe). */
    private void renamePrefix(byte[] from, byte[] to) throws IOException, InterruptedException, ReplayException {
        KeyspaceWalk.walk(nodes, KeyspaceWalk.prefixPattern(from), keys -> {
            for (byte[] key : keys) {
                byte[] rest = Arrays.copyOfRange(key, from.length, key.length);
                if (!options.ownership().owns(rest)) {
                    continue;
                }
                byte[] target = concat(to, rest);
                rename(key, target, -1);
            }
        });
    }

    List<Step> move(ReplicationEvent.Command c) throws ReplayException {
        if (c.argv().size() != 3) {
            throw new ReplayException("MOVE", c.startOffset(), "needs a key and a database");
        }
        byte[] key = c.argv().get(1);
        int from = c.db();
        int to = database(c, c.argv().get(2));
        DbMapping map = options.dbMapping();
        if (map instanceof DbMapping.Merge) {
            stats.skipped("move-merged"); // both databases are the same key space on the target
            return List.of();
        }
        byte[] src = map.targetKey(from, key);
        byte[] dst = map.targetKey(to, key);
        if (src == null && dst == null) {
            stats.skipped("other-db");
            return List.of();
        }
        if (dst == null) {
            stats.count("applied"); // the key leaves the migrated database
            return List.of(new Step.Send(SlotCommand.of(HashSlot.of(src), src, List.of(Ascii.bytes("DEL"), src))));
        }
        if (src == null) {
            throw new ReplayException("MOVE", c.startOffset(), "moves a key from db " + from + ", which --db-map " + map
                    + " does not migrate, into db " + to + ": its value is not on the target; use --db-map prefix");
        }
        if (HashSlot.of(src) == HashSlot.of(dst)) {
            stats.count("applied");
            return List.of(new Step.Send(SlotCommand.of(HashSlot.of(src), src,
                    List.of(Ascii.bytes("RENAME"), src, dst))));
        }
        stats.count("emulated");
        return List.of(new Step.Barrier(c.startOffset() + 1, offset -> {
            try {
                rename(src, dst, c.startOffset());
            } catch (ReplayException e) {
                throw new ReplayException("MOVE", c.startOffset(), e.getMessage(), e);
            }
        }));
    }

    /** Renames {@code from} to {@code to}; across slots through the emulation, journaled under {@code journalOffset} (-1: none). */
    private void rename(byte[] from, byte[] to, long journalOffset) throws IOException, InterruptedException, ReplayException {
        List<byte[]> argv = List.of(Ascii.bytes("RENAME"), from, to);
        try {
            if (HashSlot.of(from) == HashSlot.of(to)) {
                RespValue reply = nodes.call(HashSlot.of(from), argv);
                if (reply instanceof RespValue.Error e) {
                    throw new ReplayException("RENAME", journalOffset, "the target refused renaming key \"" + LoadStats.printable(from)
                            + "\": " + e.message());
                }
            } else {
                emulation.run(argv, List.of(new KeyRef(1, true), new KeyRef(2, true)), journalOffset);
            }
        } catch (CrossSlotEmulation.EmulationException e) {
            throw new ReplayException("RENAME", journalOffset, "renaming key \"" + LoadStats.printable(from) + "\" to \""
                    + LoadStats.printable(to) + "\" failed: " + e.getMessage(), e);
        }
    }

    private static int database(ReplicationEvent.Command c, byte[] text) throws ReplayException {
        try {
            return Integer.parseInt(new String(text, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new ReplayException(c.name(), c.startOffset(), "a database number is not a number");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
