package io.slotferry.replay;

import io.slotferry.command.CommandTable;
import io.slotferry.filter.StreamFilter;
import io.slotferry.load.TargetCapabilities;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.resp.Ascii;
import io.slotferry.routing.HashSlot;
import io.slotferry.split.SlotCommand;
import io.slotferry.translate.CodisRestore;
import io.slotferry.translate.ExpiryGrace;
import io.slotferry.translate.MasterTtlReads;
import io.slotferry.translate.ScriptCache;
import io.slotferry.write.AppliedOffsets;
import io.slotferry.write.ClusterWriter;
import io.slotferry.write.TargetNodes;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Applies one source's replication stream to the cluster, command by command, in stream order per
 * slot. Each command is, by a policy stated in docs/replay.md: routed by its key; split per slot
 * (independent keys); emulated across slots (combined keys, after draining the writer); sent to every
 * primary (FUNCTION LOAD); handled by its own rule, the {@link #SPECIAL} table (SELECT/MOVE/SWAPDB through
 * the database mapping, FLUSH*, scripts, MULTI/EXEC, Codis' SLOTSRESTORE*); skipped and counted (PING, PUBLISH, readonly
 * commands, other databases); or it stops the worker with a {@link ReplayException} naming it and its
 * offset. Nothing is dropped without a counter.
 *
 * <p>Each handler returns its command's {@link Step}s as values; this class alone runs them: a send queues
 * one slot's commands in {@link QueuedWrites} (each slot's queued writes go to the {@link ClusterWriter} as
 * one unit with one applied mark), a barrier runs with the queue sent and the writer drained. Progress
 * goes to the writer's {@link AppliedOffsets}, which computes the applied offset.
 *
 * <p>Single-threaded: one replayer per worker, fed by the worker's thread.
 */
public final class StreamReplayer {

    /** Turns one stream command into its steps, or holds or refuses it. */
    @FunctionalInterface
    interface Handler {
        List<Step> steps(StreamReplayer replayer, ReplicationEvent.Command c) throws ReplayException, IOException, InterruptedException;
    }

    /**
     * The handler of every command the command table marks {@code SPECIAL} (overrides.tsv), by upper-case
     * name ({@code script|load} and {@code script|flush} under {@code SCRIPT}); a test checks both ways.
     */
    static final Map<String, Handler> SPECIAL = specialHandlers();

    /**
     * Keyed commands with a rule of their own before they are routed (not {@code SPECIAL}: what the
     * rule lets through routes by its keys like any other write).
     */
    static final Map<String, Handler> RULES = Map.of(
            "PING", (r, c) -> r.skipped("control"),
            "REPLCONF", (r, c) -> r.skipped("control"),
            "FUNCTION", StreamReplayer::function,
            "HEXPIRE", StreamReplayer::hashFieldExpiry,
            "HPEXPIRE", StreamReplayer::hashFieldExpiry,
            "HEXPIREAT", StreamReplayer::hashFieldExpiry,
            "HPEXPIREAT", StreamReplayer::hashFieldExpiry,
            "HPERSIST", StreamReplayer::hashFieldExpiry);

    /** The transaction boundaries: never held in the transaction they open or close. */
    private static final Set<String> BOUNDARIES = Set.of("MULTI", "EXEC", "DISCARD");

    /** Every other command: routed by its keys ({@link KeyedCommands}). */
    private static final Handler KEYED = StreamReplayer::keyed;

    private final KnownCommands table;
    private final TargetCapabilities target;
    private final ReplayOptions options;
    private final ClusterWriter writer;
    private final AppliedOffsets offsets;
    private final TargetNodes nodes;
    private final ReplayStats stats;
    private final ScriptCache scripts;
    private final CodisCommands codis;
    private final CrossSlotEmulation emulation;
    private final DatabaseCommands databases;
    private final KeyedCommands keyed;
    private final QueuedWrites queued;

    private Transaction transaction;
    private AppliedMarks appliedMarks;
    private FilteredCommands filtered; // null: every key is kept
    /** The handler of each command name as the stream spells it, found once per spelling (no String per command). */
    private final CommandNames<Handler> handlers = new CommandNames<>();

    public StreamReplayer(CommandTable table, ReplayOptions options, ClusterWriter writer, TargetNodes nodes, TargetCapabilities target,
                          ReplayStats stats, ScriptCache scripts) {
        this.scripts = scripts;
        this.table = new KnownCommands(table);
        this.target = target;
        this.options = options;
        this.writer = writer;
        this.offsets = writer.offsets();
        this.nodes = nodes;
        this.stats = stats;
        this.emulation = new CrossSlotEmulation(nodes);
        this.databases = new DatabaseCommands(options, writer, nodes, emulation, stats);
        ExpiryGrace grace = new ExpiryGrace(options.ttlGraceMillis());
        this.codis = new CodisCommands(new CodisRestore(key -> options.dbMapping().targetKey(0, key)), grace, stats);
        this.keyed = new KeyedCommands(this.table, options, nodes, stats, emulation, grace);
        // the window holds at most half the writer's in-flight budget: held and in-flight writes stay within 1.5 times it
        this.queued = new QueuedWrites(writer, offsets, this.table, stats, QueuedWrites.MAX_COMMANDS, writer.maxInFlightBytes() / 2);
    }

    private static Map<String, Handler> specialHandlers() {
        Map<String, Handler> m = new HashMap<>();
        m.put("SELECT", (r, c) -> r.skipped("control"));
        m.put("MULTI", StreamReplayer::multi);
        m.put("EXEC", StreamReplayer::exec);
        m.put("DISCARD", StreamReplayer::discard);
        for (String name : List.of("EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO")) {
            m.put(name, StreamReplayer::script);
        }
        m.put("SCRIPT", (r, c) -> ScriptCall.scriptCommand(c, r.scripts, r.stats));
        m.put("FLUSHDB", (r, c) -> r.databases.flush(c));
        m.put("FLUSHALL", (r, c) -> r.databases.flush(c));
        m.put("SWAPDB", (r, c) -> r.databases.swapdb(c));
        m.put("MOVE", StreamReplayer::move);
        m.put("PUBLISH", StreamReplayer::publish);
        m.put("SPUBLISH", StreamReplayer::publish);
        for (String name : List.of("SLOTSRESTORE", "SLOTSRESTORE-ASYNC", "SLOTSDEL")) {
            m.put(name, (r, c) -> r.codis.steps(c, r.filtered == null ? null : r.filtered.filter()));
        }
        // Codis declares these without key positions: routed by the table, so a write stops the worker
        // (no slot to route it to) and the rest are skipped as not writes.
        for (String name : List.of("SLOTSRESTORE-ASYNC-AUTH", "SLOTSRESTORE-ASYNC-SELECT", "SLOTSRESTORE-ASYNC-ACK",
                "SLOTSMGRT-EXEC-WRAPPER", "SLOTSMGRTONE", "SLOTSMGRTTAGONE", "SLOTSMGRTSLOT", "SLOTSMGRTTAGSLOT",
                "SLOTSMGRTONE-ASYNC", "SLOTSMGRTTAGONE-ASYNC", "SLOTSMGRTSLOT-ASYNC", "SLOTSMGRTTAGSLOT-ASYNC")) {
            m.put(name, StreamReplayer::keyed);
        }
        return Map.copyOf(m);
    }

    /** The stream starts (after a snapshot, or resumed) just after {@code offset}. */
    public void startAt(long offset) {
        offsets.startAt(offset);
    }

    /**
     * Highest source offset such that every command up to it is applied on the target (or skipped by
     * policy): what a checkpoint may claim ({@link AppliedOffsets}). Safe to call from any thread.
     */
    public long appliedOffset() {
        FilteredCommands f = filtered;
        return Math.min(offsets.applied(), f == null ? Long.MAX_VALUE : f.filter().holdBelow());
    }

    /** The stream has no more commands for now: the queued writes ({@link QueuedWrites}) and those the writer holds back go out. */
    public void flush() throws IOException, InterruptedException {
        queued.send();
        writer.flush();
    }

    /** Sends the queued writes and waits until everything submitted is acknowledged. */
    public void drain() throws IOException, InterruptedException {
        queued.send();
        writer.drain();
    }

    /** Applies one stream command (or holds it, inside MULTI, until EXEC). */
    public void apply(ReplicationEvent.Command c) throws ReplayException, IOException, InterruptedException {
        // the applied offset stays below the command, or below the MULTI of the block it belongs to
        offsets.applying(transaction != null ? transaction.start() : c.startOffset());
        boolean handled = false;
        if (filtered != null) {
            filtered.filter().streamAt(c.endOffset());
        }
        try {
            List<Step> steps = handler(c.argv().get(0)).steps(this, c);
            if (transaction != null && !BOUNDARIES.contains(c.name())) {
                transaction.add(steps, c);
            } else {
                for (int i = 0; i < steps.size(); i++) { // indexed: no iterator per command (C1 keeps them on the heap)
                    run(steps.get(i), c.endOffset());
                }
            }
            if (transaction == null) {
                // never inside a MULTI block: a run resumed there would meet its EXEC without its MULTI
                offsets.handled(c.endOffset());
                handled = true;
            }
        } finally {
            if (!handled) {
                offsets.applyDone();
            }
        }
    }

    /** The handler of the command named {@code word}: {@link #SPECIAL}, else {@link #RULES}, else {@link #KEYED}. */
    private Handler handler(byte[] word) {
        Handler h = handlers.get(word);
        if (h == null) {
            String name = Ascii.upper(word);
            h = SPECIAL.get(name);
            if (h == null) {
                h = RULES.getOrDefault(name, KEYED);
            }
            handlers.put(word, h);
        }
        return h;
    }

    private List<Step> multi(ReplicationEvent.Command c) throws ReplayException {
        if (transaction != null) {
            throw new ReplayException("MULTI", c.startOffset(), "nested MULTI in the stream");
        }
        transaction = new Transaction(options.maxTransactionBytes(), c.startOffset());
        stats.count("transaction");
        return List.of();
    }

    private List<Step> exec(ReplicationEvent.Command c) throws ReplayException {
        if (transaction == null) {
            throw new ReplayException("EXEC", c.startOffset(), "EXEC without MULTI in the stream");
        }
        Transaction t = transaction;
        transaction = null;
        return t.commit();
    }

    private List<Step> discard(ReplicationEvent.Command c) {
        transaction = null;
        return skipped("discard");
    }

    private List<Step> skipped(String reason) {
        stats.skipped(reason);
        return List.of();
    }

    private void run(Step step, long offset) throws IOException, InterruptedException, ReplayException {
        if (step instanceof Step.Send s) {
            queued.send(s.command(), offset, s.position() < 0 ? offset : s.position(), s.spec());
        } else if (step instanceof Step.Unmarked u) {
            queued.unmarked(u.command(), offset);
        } else if (step instanceof Step.Barrier b) {
            drain();
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
        queued.marks(appliedMarks);
        emulation.journal(source, replid);
    }

    /** From now on, SETs whose TTL the source's replication may have dropped get the master's TTL (see {@link MasterTtlReads}). */
    public void askMasterForLostTtls(MasterTtlReads reads) {
        keyed.askMasterForLostTtls(reads);
    }

    /** From now on, every keyed write passes {@code f} first (key filters; see {@link StreamFilter}). */
    public void filter(StreamFilter f) {
        filtered = new FilteredCommands(f, table, stats);
        keyed.filter(filtered);
    }

    /** A keyed command, routed by its keys ({@link KeyedCommands}), held in the open MULTI block if any. */
    private List<Step> keyed(ReplicationEvent.Command c) throws ReplayException, IOException, InterruptedException {
        return keyed.steps(c, transaction);
    }

    /** Scripts: their keys through the key filter first, then {@link ScriptCall}. */
    private List<Step> script(ReplicationEvent.Command c) throws ReplayException, IOException, InterruptedException {
        List<Step> left = filtered == null ? null : filtered.script(c, transaction);
        return left != null ? left : new ScriptCall(c, scripts, options, emulation).steps(stats);
    }

    /** MOVE: the key filter's decision first (a kept key may move to a database the mapping or filter leaves out). */
    private List<Step> move(ReplicationEvent.Command c) throws ReplayException, IOException, InterruptedException {
        List<Step> left = filtered == null ? null : filtered.move(c, transaction);
        return left != null ? left : databases.move(c);
    }

    private List<Step> publish(ReplicationEvent.Command c) {
        List<byte[]> argv = c.argv();
        if (!options.forwardPublish() || argv.size() < 3) {
            return skipped("publish");
        }
        stats.count("applied");
        return List.of(new Step.Send(SlotCommand.of(HashSlot.of(argv.get(1)), argv.get(1), argv)));
    }

    /** {@code FUNCTION FLUSH} stops the worker; other {@code FUNCTION} subcommands route as the table says. */
    private List<Step> function(ReplicationEvent.Command c) throws ReplayException, IOException, InterruptedException {
        if (c.argv().size() > 1 && Ascii.upper(c.argv().get(1)).equals("FLUSH")) {
            throw new ReplayException("FUNCTION FLUSH", c.startOffset(), "it would delete the function libraries of"
                    + " every source on the shared target; delete this source's libraries by hand (FUNCTION DELETE)");
        }
        return keyed(c);
    }

    /** Hash field TTLs route as they are to a target that has them, else through {@link HashFieldExpiry}. */
    private List<Step> hashFieldExpiry(ReplicationEvent.Command c) throws ReplayException, IOException, InterruptedException {
        if (!target.hashFieldTtl()) {
            return HashFieldExpiry.withoutSupport(c, c.name(), options, target, stats);
        }
        return keyed(c);
    }
}
