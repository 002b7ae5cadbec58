package io.slotferry.filter;

import io.slotferry.command.CommandSpec;
import io.slotferry.command.KeyRef;
import io.slotferry.command.ShardPolicy;
import io.slotferry.load.RestorePayload;
import io.slotferry.load.TargetCapabilities;
import io.slotferry.rdb.DumpFormatException;
import io.slotferry.rdb.DumpPayload;
import io.slotferry.rdb.RdbType;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.resp.KeyText;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.routing.HashSlot;
import io.slotferry.split.SlotCommand;
import io.slotferry.translate.DbMapping;
import io.slotferry.translate.ExpiryGrace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link KeyFilter} applied to one source's replicated writes, command by command, where the replayer knows
 * a command's keys (before the database mapping and the split per slot). docs/running.md ("Filters") states the
 * rules; in short:
 * <ul>
 *   <li>every key kept: the command as is; no key kept: dropped, its keys counted under their filter;</li>
 *   <li>independent keys (MSET, DEL, UNLINK: the {@link ShardPolicy#MULTI_SHARD_SPLIT} commands): narrowed to the
 *       kept keys with their arguments, the others counted;</li>
 *   <li>combined keys (RENAME, SMOVE, SUNIONSTORE, ...) mixing kept and left-out keys: the kept keys the command
 *       writes are copied again from the source ({@link SourceCopy}) and the command itself is not applied. A
 *       RENAME from a kept to a left-out name so deletes the kept key on the target; a RENAME from a left-out to
 *       a kept name creates the kept key with the source's value;</li>
 *   <li>with {@code --types}: a typed write ({@link CommandTypes}) of a left-out type is dropped, and when it may
 *       replace a key of another type (SET, *STORE, BITOP) its written keys are deleted on the target; an untyped
 *       write that only changes existing keys (DEL, EXPIRE, PERSIST...) is applied, since a key of a left-out type
 *       is absent from the target; any other untyped write (RENAME, COPY, RESTORE, SORT ... STORE) copies its
 *       written kept keys again from the source, whose DUMP tells their type.</li>
 * </ul>
 *
 * <p>A key copied again holds the source's value at the source offset of the read (its fence): later stream
 * commands up to that offset are already in it and skip the key. Until the stream passes the fence the applied
 * offset is held below the command that copied it ({@link #holdBelow()}), so a restart replays that command and
 * copies the key again rather than applying the skipped commands on top of a newer value. The re-copy writes are
 * whole-key writes the replayer never skips by applied marks. Single-threaded, like the replayer; memory: one
 * entry per key copied again whose fence the stream has not reached yet.
 */
public final class StreamFilter implements AutoCloseable {
    private final KeyFilter filter;
    private final DbMapping mapping;
    private final TargetCapabilities target;
    private final ExpiryGrace grace;
    private final SourceCopy source;
    /** Keys copied again whose fence the stream has not passed: (db, key) → fence offset. */
    private final Map<Fenced, Long> fences = new HashMap<>();
    /** The same copies in stream order (start offset, fence): both ascend. */
    private final ArrayDeque<long[]> pending = new ArrayDeque<>();
    private volatile long holdBelow = Long.MAX_VALUE;

    private record Fenced(int db, ByteBuffer key) {
    }

    /** What becomes of one command. */
    public sealed interface Decision {
        /** Applied as it is. */
        record Pass() implements Decision {
        }

        /** Not applied at all. */
        record Drop() implements Decision {
        }

        /** Applied with only the kept keys: {@code argv} and its {@code keys}. */
        record Narrowed(List<byte[]> argv, List<KeyRef> keys) implements Decision {
        }

        /**
         * Replaced by whole-key writes of target keys (a key copied again from the source, or deleted), which a
         * restart applies again and applied marks never skip.
         */
        record Copies(List<SlotCommand> writes) implements Decision {
        }
    }

    private static final Decision PASS = new Decision.Pass();
    private static final Decision DROP = new Decision.Drop();

    /**
     * @param filter the worker's filter (its counters take what this leaves out)
     * @param source the instance whose stream is replayed: keys are copied again from it
     */
    public StreamFilter(KeyFilter filter, DbMapping mapping, TargetCapabilities target, long ttlGraceMillis,
                        RedisEndpoint source) {
        this.filter = filter;
        this.mapping = mapping;
        this.target = target;
        this.grace = new ExpiryGrace(ttlGraceMillis);
        this.source = new SourceCopy(source);
    }

    /**
     * The applied offset must stay at or below this (a command that copied a key again, whose fence the stream has
     * not passed); {@link Long#MAX_VALUE} when nothing is held. Safe to call from any thread.
     */
    public long holdBelow() {
        return holdBelow;
    }

    /**
     * Decides for a keyed write: {@code argv} (the source's key names) and its {@code keys}, of command {@code c}.
     *
     * @throws CopyException a key that had to be copied again could not be
     */
    public Decision decide(ReplicationEvent.Command c, CommandSpec spec, List<byte[]> argv, List<KeyRef> keys)
            throws IOException, CopyException {
        streamAt(c.endOffset());
        if (!filter.active() || mapping.targetKey(c.db(), argv.get(keys.get(0).index())) == null) {
            return PASS; // nothing to filter, or a database the mapping leaves out (the replayer counts it)
        }
        String name = spec.name();
        if (filter.typesActive()) {
            Decision byType = byType(c, name, argv, keys);
            if (byType != null) {
                return byType;
            }
        }
        int kept = 0;
        long[] leftOut = new long[LeftOut.values().length];
        boolean[] keep = new boolean[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = argv.get(keys.get(i).index());
            LeftOut out = filter.byName(key);
            if (out != null) {
                leftOut[out.ordinal()]++;
            } else if (!fenced(c.db(), key, c.endOffset())) {
                keep[i] = true;
                kept++;
            }
        }
        if (kept == keys.size()) {
            return PASS;
        }
        for (LeftOut f : LeftOut.values()) {
            if (leftOut[f.ordinal()] > 0) {
                filter.streamLeftOut(f, leftOut[f.ordinal()]);
            }
        }
        if (kept == 0) {
            return DROP;
        }
        if (spec.policy() == ShardPolicy.MULTI_SHARD_SPLIT && ascending(keys)) {
            return narrow(argv, keys, keep);
        }
        return copyWritten(c, argv, keys);
    }

    /** The decision {@code --types} makes alone, or null when the key names decide. */
    private Decision byType(ReplicationEvent.Command c, String name, List<byte[]> argv, List<KeyRef> keys)
            throws IOException, CopyException {
        var type = CommandTypes.of(name);
        if (type == null) {
            return CommandTypes.actsOnExistingKeysOnly(name) ? null : copyWritten(c, argv, keys);
        }
        if (filter.keeps(type)) {
            return null;
        }
        List<SlotCommand> deletes = new ArrayList<>();
        long typed = 0;
        for (KeyRef k : keys) {
            byte[] key = argv.get(k.index());
            LeftOut out = filter.byName(key);
            if (out != null) {
                filter.streamLeftOut(out, 1);
                continue;
            }
            typed++;
            if (k.written() && CommandTypes.overwrites(name) && !fenced(c.db(), key, c.endOffset())) {
                byte[] t = mapping.targetKey(c.db(), key);
                deletes.add(SlotCommand.of(HashSlot.of(t), t, List.of(ascii("DEL"), t)));
            }
        }
        filter.streamLeftOut(LeftOut.TYPES, typed);
        return deletes.isEmpty() ? DROP : new Decision.Copies(deletes);
    }

    /**
     * {@code MOVE key db} ({@code c}), moving {@code key} from {@code c.db()} to {@code toDb}: dropped when the
     * name is left out; with {@code --types}, the key is copied again in both databases (it may be of a left-out
     * type, absent from the target); else as it is.
     */
    public Decision move(ReplicationEvent.Command c, byte[] key, int toDb) throws IOException, CopyException {
        streamAt(c.endOffset());
        LeftOut out = filter.byName(key);
        if (out != null) {
            filter.streamLeftOut(out, 1);
            return DROP;
        }
        if (!filter.typesActive()) {
            return PASS;
        }
        List<SlotCommand> writes = new ArrayList<>(2);
        if (mapping.targetKey(c.db(), key) != null) {
            writes.add(copy(c, c.db(), key));
        }
        if (mapping.targetKey(toDb, key) != null) {
            writes.add(copy(c, toDb, key));
        }
        return writes.isEmpty() ? DROP : new Decision.Copies(writes);
    }

    /**
     * The writes of one key of a Codis migration command ({@code SLOTSRESTORE}: a RESTORE, or a DEL), whose key
     * names db 0's key (mapped to itself): as they are, none when the name is left out, or a DEL when the restored
     * value's type is left out (the key may hold a kept type on the target).
     */
    public List<List<byte[]>> codisKey(byte[] key, List<List<byte[]>> commands) {
        LeftOut out = filter.byName(key);
        if (out != null) {
            filter.streamLeftOut(out, 1);
            return List.of();
        }
        for (List<byte[]> argv : commands) {
            if (argv.size() > 3 && new String(argv.get(0), StandardCharsets.US_ASCII).equalsIgnoreCase("RESTORE")
                    && argv.get(3).length > 0) {
                RdbType type = RdbType.byCode(argv.get(3)[0] & 0xff);
                if (type != null && !filter.keeps(type.valueType())) {
                    filter.streamLeftOut(LeftOut.TYPES, 1);
                    return List.of(List.of(ascii("DEL"), key));
                }
            }
        }
        return commands;
    }

    /** MSET-like commands: the prefix, then each kept key with the arguments up to the next key. */
    private static Decision narrow(List<byte[]> argv, List<KeyRef> keys, boolean[] keep) {
        List<byte[]> out = new ArrayList<>(argv.subList(0, keys.get(0).index()));
        List<KeyRef> refs = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (!keep[i]) {
                continue;
            }
            int from = keys.get(i).index();
            int to = i + 1 < keys.size() ? keys.get(i + 1).index() : argv.size();
            refs.add(new KeyRef(out.size(), keys.get(i).written()));
            out.addAll(argv.subList(from, to));
        }
        return new Decision.Narrowed(out, refs);
    }

    /** Copies again every kept key the command writes; drops it when it writes none. */
    private Decision copyWritten(ReplicationEvent.Command c, List<byte[]> argv, List<KeyRef> keys)
            throws IOException, CopyException {
        List<SlotCommand> writes = new ArrayList<>();
        List<ByteBuffer> done = new ArrayList<>();
        for (KeyRef k : keys) {
            byte[] key = argv.get(k.index());
            if (!k.written() || filter.byName(key) != null || done.contains(ByteBuffer.wrap(key))) {
                continue;
            }
            done.add(ByteBuffer.wrap(key));
            writes.add(copy(c, c.db(), key));
        }
        return writes.isEmpty() ? DROP : new Decision.Copies(writes);
    }

    /** The target write that makes {@code key} what the source holds now, and its fence. */
    private SlotCommand copy(ReplicationEvent.Command c, int db, byte[] key) throws IOException, CopyException {
        SourceCopy.Read read = source.read(db, key);
        byte[] t = mapping.targetKey(db, key);
        if (read.offset() > c.endOffset()) {
            // later writes are in the value already: they skip the key until the stream passes the read
            fences.put(new Fenced(db, ByteBuffer.wrap(key.clone())), read.offset());
            pending.addLast(new long[] {c.startOffset(), read.offset()});
            holdBelow = pending.peekFirst()[0];
        }
        filter.recopied();
        if (read.payload() == null) {
            return SlotCommand.of(HashSlot.of(t), t, List.of(ascii("DEL"), t));
        }
        DumpPayload dump;
        try {
            dump = DumpPayload.parse(read.payload());
        } catch (DumpFormatException e) {
            throw new CopyException("the DUMP of key " + KeyText.printable(key) + " on the source " + e.getMessage(), e);
        }
        RdbType type = dump.type();
        if (!filter.keeps(type.valueType())) {
            filter.streamLeftOut(LeftOut.TYPES, 1);
            return SlotCommand.of(HashSlot.of(t), t, List.of(ascii("DEL"), t));
        }
        int version = dump.rdbVersion();
        int stamp = target.restoreVersion(type, version, false);
        if (stamp < 0) {
            throw new CopyException("key " + KeyText.printable(key) + " (" + type + ", RDB " + version + ") must be copied"
                    + " again from the source, and the target (" + target + ") cannot RESTORE it");
        }
        long now = System.currentTimeMillis();
        long expireAt = read.pttl() > 0 ? grace.hold(now + read.pttl(), now) : -1;
        return new SlotCommand(HashSlot.of(t), t, RestorePayload.of(type, dump.value(), stamp).commands(t, expireAt, target, true));
    }

    /** True when {@code key} was copied again at a fence the command (ending at {@code end}) is within. */
    private boolean fenced(int db, byte[] key, long end) {
        if (fences.isEmpty()) {
            return false;
        }
        Long fence = fences.get(new Fenced(db, ByteBuffer.wrap(key)));
        return fence != null && end <= fence;
    }

    /**
     * The stream reached a command ending at {@code end} (any command, PINGs included): forgets the fences it
     * passed and lifts the hold with them.
     */
    public void streamAt(long end) {
        if (pending.isEmpty() || pending.peekFirst()[1] >= end) {
            return;
        }
        while (!pending.isEmpty() && pending.peekFirst()[1] < end) {
            pending.removeFirst();
        }
        fences.values().removeIf(fence -> fence < end);
        holdBelow = pending.isEmpty() ? Long.MAX_VALUE : pending.peekFirst()[0];
    }

    /**
     * Holds the applied offset at or below {@code offset} for the copies the last decision made: the replayer's
     * MULTI, when that command was inside a transaction (a restart must not resume between MULTI and EXEC).
     */
    public void holdFrom(long offset) {
        for (long[] p : pending) {
            p[0] = Math.min(p[0], offset); // only this transaction's copies start after its MULTI
        }
        holdBelow = pending.isEmpty() ? Long.MAX_VALUE : pending.peekFirst()[0];
    }

    /** Forgets every fence (a new snapshot was loaded: it holds every key as of its own offset). */
    public void forget() {
        fences.clear();
        pending.clear();
        holdBelow = Long.MAX_VALUE;
    }

    private static boolean ascending(List<KeyRef> keys) {
        for (int i = 1; i < keys.size(); i++) {
            if (keys.get(i).index() <= keys.get(i - 1).index()) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        source.close();
    }
}
