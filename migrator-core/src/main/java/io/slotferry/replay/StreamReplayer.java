package io.slotferry.replay;

import io.slotferry.command.CommandSpec;
import io.slotferry.command.CommandTable;
import io.slotferry.command.KeyRef;
import io.slotferry.command.ShardPolicy;
import io.slotferry.command.UndeterminedKeysException;
import io.slotferry.load.TargetCapabilities;
import io.slotferry.write.DataErrorPolicy;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.routing.HashSlot;
import io.slotferry.split.CommandSplitter;
import io.slotferry.split.SlotCommand;
import io.slotferry.split.SlotPlan;
import io.slotferry.translate.AbsoluteExpiry;
import io.slotferry.translate.CodisCommandException;
import io.slotferry.translate.CodisRestore;
import io.slotferry.translate.DbMapping;
import io.slotferry.translate.ExpiryGrace;
import io.slotferry.translate.KeyCommands;
import io.slotferry.translate.MasterTtlReads;
import io.slotferry.translate.ScriptCache;
import io.slotferry.write.TargetNodes;
import io.slotferry.write.Write;
import io.slotferry.write.WriteSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Applies one source's replication stream to the cluster, command by command, in stream order per
 * slot. Each command is, by a policy stated in docs/replay.md: routed by its key; split per slot
 * (independent keys); emulated across slots (combined keys, after draining the writer); sent to every
 * primary (FUNCTION LOAD); handled by its own rule (SELECT/MOVE/SWAPDB through the database mapping,
 * FLUSH*, scripts, MULTI/EXEC, Codis' SLOTSRESTORE*); skipped and counted (PING, PUBLISH, readonly
 * commands, other databases); or it stops the worker with a {@link ReplayException} naming it and its
 * offset. Nothing is dropped without a counter.
 *
 * <p>Single-threaded: one replayer per worker, fed by the worker's thread.
 */
public final class StreamReplayer {

    private final CommandTable table;
    private final TargetCapabilities target;
    private final ReplayOptions options;
    private final WriteSink writer;
    private final TargetNodes nodes;
    private final ReplayStats stats;
    private final ScriptCache scripts;
    private final CodisRestore codis;
    private final CrossSlotEmulation emulation;
    private final DatabaseCommands databases;
    private final ExpiryGrace grace;

    private final Map<String, CommandSpec> specs = new HashMap<>();
    /** {@link #specs} by the name's bytes as the stream spells them, for the replay-safety check of every write. */
    private final SpecsByName specsByName = new SpecsByName();
    private Transaction transaction;
    private volatile long handledOffset = -1;
    private volatile long submittedOffset = -1;
    /** The offset the stream started after (a snapshot's, or a checkpoint's): the target holds everything up to it. */
    private volatile long startedAt = -1;

    private AppliedMarks appliedMarks;
    private MasterTtlReads masterTtls;
    /** While apply() runs: the start offset of its command (the applied offset stays at or below it); otherwise MAX_VALUE. */
    private volatile long applying = Long.MAX_VALUE;

    public StreamReplayer(CommandTable table, ReplayOptions options, WriteSink writer, TargetNodes nodes, TargetCapabilities target,
                          ReplayStats stats, ScriptCache scripts) {
        this.scripts = scripts;
        this.table = table;
        this.target = target;
        this.options = options;
        this.writer = writer;
        this.nodes = nodes;
        this.stats = stats;
        this.emulation = new CrossSlotEmulation(nodes);
        this.codis = new CodisRestore(key -> options.dbMapping().targetKey(0, key));
        this.databases = new DatabaseCommands(options, writer, nodes, emulation, stats);
        this.grace = new ExpiryGrace(options.ttlGraceMillis());
    }

    /** The stream starts (after a snapshot, or resumed) just after {@code offset}. */
    public void startAt(long offset) {
        startedAt = offset;
        handledOffset = offset;
        submittedOffset = Math.min(submittedOffset, offset);
    }

    /**
     * Highest source offset such that every command up to it is applied on the target (or skipped by
     * policy): what a checkpoint may claim. Safe to call from any thread.
     */
    public long appliedOffset() {
        long handled = handledOffset;
        long submitted = submittedOffset; // read after handled: writes of commands up to handled were submitted by now
        // Before the writer settles its first write it knows no offset: the start offset holds until then
        // (a checkpoint of -1 would make the next run ask PSYNC from 0, a full sync).
        long applied = Math.max(writer.appliedOffset(), startedAt);
        // Read after applied: a command whose writes are only partly submitted (a transaction's slots,
        // an applied-mark read between them) holds the offset below its own until apply() returns.
        long floor = applying;
        long result = applied >= submitted ? Math.max(handled, applied) : applied;
        return Math.min(result, floor);
    }

    /** The stream has no more commands for now: writes the writer holds back to send together go out. */
    public void flush() {
        writer.flush();
    }

    /** Waits until everything submitted is acknowledged. */
    public void drain() throws IOException, InterruptedException {
        writer.drain();
    }

    /** Applies one stream command (or holds it, inside MULTI, until EXEC). */
    public void apply(ReplicationEvent.Command c) throws ReplayException, IOException, InterruptedException {
        applying = c.startOffset();
        try {
            applyCommand(c);
        } finally {
            applying = Long.MAX_VALUE;
        }
    }

    private void applyCommand(ReplicationEvent.Command c) throws ReplayException, IOException, InterruptedException {
        String name = c.name();
        if (name.equals("MULTI")) {
            if (transaction != null) {
                throw new ReplayException("MULTI", c.startOffset(), "nested MULTI in the stream");
            }
            transaction = new Transaction(options.maxTransactionBytes());
            stats.count("transaction");
        } else if (name.equals("EXEC")) {
            if (transaction == null) {
                throw new ReplayException("EXEC", c.startOffset(), "EXEC without MULTI in the stream");
            }
            Transaction t = transaction;
            transaction = null;
            t.commit(this, c.endOffset());
        } else if (name.equals("DISCARD")) {
            transaction = null;
            stats.skipped("discard");
        } else {
            List<Step> steps = translate(c, name);
            if (transaction != null) {
                transaction.add(steps, c);
            } else {
                for (Step s : steps) {
                    run(s, c.endOffset());
                }
            }
        }
        if (transaction == null) {
            // never inside a MULTI block: a run resumed there would meet its EXEC without its MULTI
            handledOffset = c.endOffset();
        }
    }

    /** What one command becomes: target commands for one slot, or an operation on a drained writer. */
    sealed interface Step {
        record Send(SlotCommand command) implements Step {
        }

        /**
         * @param position  where it stands in the stream ({@code command start + 1}: above every write
         *                  before its command, below the command's own writes), for the barrier mark
         */
        record Barrier(long position, Operation operation) implements Step {
        }
    }

    @FunctionalInterface
    interface Operation {
        void run(long offset) throws IOException, InterruptedException, ReplayException;
    }

    void run(Step step, long offset) throws IOException, InterruptedException, ReplayException {
        if (step instanceof Step.Send s) {
            send(s.command(), offset);
        } else if (step instanceof Step.Barrier b) {
            writer.drain();
            if (appliedMarks != null && appliedMarks.barrierApplied(b.position())) {
                stats.skipped("applied-before-restart"); // it completed before a crash: its effects are on the target
                return;
            }
            b.operation().run(offset);
            if (appliedMarks != null) {
                appliedMarks.barrierDone(b.position());
                emulation.cleanUp();
            }
        }
    }

    void send(SlotCommand c, long offset) throws IOException, InterruptedException {
        submittedOffset = offset;
        List<List<byte[]>> commands = c.commands();
        Write.Probe probe = null;
        if (appliedMarks != null && appliedMarks.active()) {
            if (appliedMarks.applied(c.slot(), offset)) {
                stats.skipped("applied-before-restart"); // the target holds it: a crash came after it was applied
                return;
            }
            boolean safe = replaySafe(commands);
            if (!safe) {
                commands = appliedMarks.marked(c.slot(), offset, commands);
            }
            probe = appliedMarks.probe(c.slot(), offset, safe);
        }
        writer.submit(new Write(c.slot(), c.key(), commands, offset, probe, 0));
    }

    /**
     * From now on, writes that are not replay-safe carry an applied mark of {@code source}, and every
     * write the target already holds is skipped (see {@link AppliedMarks}); reads the marks now.
     *
     * @param reapplyUpTo the offset up to which the last run may have sent writes (its checkpoint's
     *                    submit limit), -1 when there was none
     */
    public void markAppliedWrites(String source, Supplier<String> replid, long reapplyUpTo)
            throws IOException, InterruptedException {
        appliedMarks = new AppliedMarks(source, replid, nodes);
        appliedMarks.load(reapplyUpTo);
        emulation.journal(source, replid);
    }

    /** From now on, SETs whose TTL the source's replication may have dropped get the master's TTL (see {@link MasterTtlReads}). */
    public void askMasterForLostTtls(MasterTtlReads reads) {
        masterTtls = reads;
    }

    /** True when every command may be applied again ({@link io.slotferry.command.ReplaySafety}). */
    private boolean replaySafe(List<List<byte[]>> commands) {
        for (int i = 0; i < commands.size(); i++) {
            List<byte[]> argv = commands.get(i);
            CommandSpec spec = specsByName.get(argv.get(0));
            if (spec == null) {
                spec = known(upper(argv.get(0)), argv);
                if (spec != null && specs.get(upper(argv.get(0))) == spec) {
                    specsByName.put(argv.get(0), spec); // as spelled: no upper-casing per write
                }
            }
            if (spec == null || !spec.replaySafety().safe(argv)) {
                return false;
            }
        }
        return true;
    }

    private List<Step> translate(ReplicationEvent.Command c, String name) throws ReplayException, IOException, InterruptedException {
        List<byte[]> argv = c.argv();
        if (name.startsWith("SLOTS") && CodisRestore.handles(argv)) {
            return codis(c);
        }
        switch (name) {
            case "SELECT", "PING", "REPLCONF" -> {
                stats.skipped("control");
                return List.of();
            }
            case "PUBLISH", "SPUBLISH" -> {
                if (!options.forwardPublish() || argv.size() < 3) {
                    stats.skipped("publish");
                    return List.of();
                }
                stats.count("applied");
                return List.of(new Step.Send(SlotCommand.of(HashSlot.of(argv.get(1)), argv.get(1), argv)));
            }
            case "SCRIPT" -> {
                return script(c);
            }
            case "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO" -> {
                return new ScriptCall(c, scripts, options, this::emulate).steps(stats);
            }
            case "FLUSHDB", "FLUSHALL" -> {
                return databases.flush(c);
            }
            case "SWAPDB" -> {
                return databases.swapdb(c);
            }
            case "FUNCTION" -> {
                if (argv.size() > 1 && upper(argv.get(1)).equals("FLUSH")) {
                    throw new ReplayException("FUNCTION FLUSH", c.startOffset(), "it would delete the function libraries of"
                            + " every source on the shared target; delete this source's libraries by hand (FUNCTION DELETE)");
                }
                return keyed(c, name);
            }
            case "MOVE" -> {
                return databases.move(c);
            }
            case "HEXPIRE", "HPEXPIRE", "HEXPIREAT", "HPEXPIREAT", "HPERSIST" -> {
                if (!target.hashFieldTtl()) {
                    return HashFieldExpiry.withoutSupport(c, name, options, target, stats);
                }
                return keyed(c, name);
            }
            default -> {
                return keyed(c, name);
            }
        }
    }

    private List<Step> keyed(ReplicationEvent.Command c, String name) throws ReplayException, IOException, InterruptedException {
        List<byte[]> source = masterTtls == null ? c.argv() : masterTtls.argv(c);
        List<byte[]> argv = grace.apply(AbsoluteExpiry.apply(source, c.receivedAtMillis()), c.receivedAtMillis());
        if (name.equals("MSETNX")) {
            // replicated only when it succeeded, i.e. every key was absent: MSET has the same effect and splits
            argv = new ArrayList<>(argv);
            argv.set(0, ascii("MSET"));
        }
        CommandSpec spec = spec(argv == c.argv() ? name : upper(argv.get(0)), argv, c.startOffset());
        if (!spec.arityMatches(argv.size())) {
            throw new ReplayException(name, c.startOffset(), argv.size() + " arguments do not match its arity " + spec.arity());
        }
        boolean write = spec.write();
        if (spec.policy() == ShardPolicy.ALL_SHARDS && write) {
            List<byte[]> command = functionLoadReplace(argv);
            stats.count("broadcast");
            return List.of(new Step.Barrier(c.startOffset() + 1, offset -> broadcast(command, c.startOffset())));
        }
        if (!write) {
            stats.skipped("not-a-write");
            return List.of();
        }
        List<KeyRef> keys;
        try {
            keys = spec.keys(argv);
        } catch (UndeterminedKeysException e) {
            throw new ReplayException(name, c.startOffset(), "its keys cannot be determined: " + e.getMessage());
        }
        if (keys.isEmpty()) {
            throw new ReplayException(name, c.startOffset(), "a write without keys cannot be routed to a slot");
        }
        List<byte[]> mapped = mapKeys(argv, keys, c.db());
        if (mapped == null) {
            stats.skipped("other-db");
            return List.of();
        }
        SlotPlan plan = CommandSplitter.plan(mapped, keys, spec.policy() == ShardPolicy.MULTI_SHARD_SPLIT);
        if (plan instanceof SlotPlan.CrossSlot x) {
            stats.count("emulated");
            return List.of(new Step.Barrier(c.startOffset() + 1, offset -> emulate(name, x.argv(), x.keys(), c.startOffset())));
        }
        SlotPlan.Routed r = (SlotPlan.Routed) plan;
        stats.count(r.commands().size() > 1 ? "split" : "applied");
        List<Step> out = new ArrayList<>(r.commands().size());
        for (SlotCommand sc : r.commands()) {
            out.add(new Step.Send(sc));
        }
        return out;
    }

    /**
     * {@code FUNCTION LOAD code} as {@code FUNCTION LOAD REPLACE code}: the source accepted it, so the library
     * was new there; on the target it may exist from an earlier run or another source, and replacing it
     * gives the same end state.
     */
    private static List<byte[]> functionLoadReplace(List<byte[]> argv) {
        if (argv.size() == 3 && upper(argv.get(0)).equals("FUNCTION") && upper(argv.get(1)).equals("LOAD")) {
            return List.of(argv.get(0), argv.get(1), ascii("REPLACE"), argv.get(2));
        }
        return argv;
    }

    /**
     * The table entry of {@code argv}, remembered by command name for commands without subcommands: the
     * lookup is on every command's path.
     */
    private CommandSpec spec(String upperName, List<byte[]> argv, long offset) throws ReplayException {
        CommandSpec spec = known(upperName, argv);
        if (spec == null) {
            throw new ReplayException(upperName, offset, "not in the command table (" + table.size()
                    + " commands of Redis 2.8-8.0, Valkey 8 and codis-server): the worker stops rather than drop it");
        }
        return spec;
    }

    /** The table entry of {@code argv} through the name-keyed memory, or null when the table does not know it. */
    private CommandSpec known(String upperName, List<byte[]> argv) {
        CommandSpec spec = specs.get(upperName);
        if (spec != null) {
            return spec;
        }
        Optional<CommandSpec> found = table.lookup(argv);
        if (found.isEmpty()) {
            return null;
        }
        if (found.get().name().indexOf('|') < 0 && argv.size() > 1) {
            specs.put(upperName, found.get()); // a container would have resolved a subcommand
        }
        return found.get();
    }

    /** {@code argv} with each key renamed by the database mapping; null when the mapping skips the database. */
    private List<byte[]> mapKeys(List<byte[]> argv, List<KeyRef> keys, int db) {
        if (identity(db)) {
            return argv;
        }
        List<byte[]> out = new ArrayList<>(argv);
        for (KeyRef k : keys) {
            byte[] mapped = options.dbMapping().targetKey(db, argv.get(k.index()));
            if (mapped == null) {
                return null;
            }
            out.set(k.index(), mapped);
        }
        return out;
    }

    /** True when the mapping keeps every key of {@code db} as it is (no copy of the arguments needed). */
    private boolean identity(int db) {
        DbMapping m = options.dbMapping();
        return m instanceof DbMapping.Merge || db == 0 && m instanceof DbMapping.Prefix
                || m instanceof DbMapping.Only only && only.db() == db;
    }

    private void emulate(String name, List<byte[]> argv, List<KeyRef> keys, long offset)
            throws IOException, InterruptedException, ReplayException {
        try {
            emulation.run(argv, keys, offset);
        } catch (CrossSlotEmulation.EmulationException e) {
            throw new ReplayException(name, offset, "cross-slot emulation failed: " + e.getMessage(), e);
        }
    }

    private List<Step> script(ReplicationEvent.Command c) {
        List<byte[]> argv = c.argv();
        String sub = argv.size() > 1 ? upper(argv.get(1)) : "";
        switch (sub) {
            case "LOAD" -> {
                if (argv.size() > 2) {
                    scripts.add(argv.get(2));
                }
                stats.skipped("script-load"); // learnt: EVALSHA becomes EVAL on the shard that needs it
            }
            case "FLUSH" -> {
                scripts.clear();
                stats.skipped("script-flush");
            }
            default -> stats.skipped("script-" + sub.toLowerCase(Locale.ROOT));
        }
        return List.of();
    }

    private List<Step> codis(ReplicationEvent.Command c) throws ReplayException {
        List<KeyCommands> translated;
        try {
            translated = codis.translate(c.argv(), c.receivedAtMillis());
        } catch (CodisCommandException e) {
            throw new ReplayException(c.name(), c.startOffset(), e.getMessage(), e);
        }
        stats.count("codis-restore");
        List<Step> out = new ArrayList<>(translated.size());
        for (KeyCommands k : translated) {
            List<List<byte[]>> held = new ArrayList<>(k.commands().size());
            for (List<byte[]> command : k.commands()) {
                held.add(grace.apply(command, c.receivedAtMillis()));
            }
            out.add(new Step.Send(new SlotCommand(HashSlot.of(k.key()), k.key(), held)));
        }
        return out;
    }

    void broadcast(List<byte[]> command, long offset) throws IOException, ReplayException {
        try {
            FunctionLibraries.everyPrimary(nodes, command);
        } catch (FunctionLibraries.RefusedException e) {
            throw new ReplayException(upper(command.get(0)), offset, e.getMessage(), e);
        }
    }

    static String upper(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
