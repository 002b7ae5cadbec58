package io.slotferry.replay;

import io.slotferry.command.CommandSpec;
import io.slotferry.command.KeyRef;
import io.slotferry.command.ShardPolicy;
import io.slotferry.command.UndeterminedKeysException;
import io.slotferry.filter.StreamFilter;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.resp.Ascii;
import io.slotferry.resp.CommandName;
import io.slotferry.routing.HashSlot;
import io.slotferry.split.CommandSplitter;
import io.slotferry.split.SlotCommand;
import io.slotferry.split.SlotPlan;
import io.slotferry.translate.AbsoluteExpiry;
import io.slotferry.translate.DbMapping;
import io.slotferry.translate.ExpiryGrace;
import io.slotferry.translate.MasterTtlReads;
import io.slotferry.write.TargetNodes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a keyed write of the stream becomes (docs/replay.md, "Commands"): its relative expiries made
 * absolute and held by the TTL grace, its keys through the key filter and the database mapping, then
 * one slot's send, a send per slot (independent keys), an emulation across slots (combined keys), or
 * a broadcast to every primary; a read is skipped and counted. Returns {@link Step}s; runs nothing.
 */
final class KeyedCommands {
    private final KnownCommands table;
    private final ReplayOptions options;
    private final TargetNodes nodes;
    private final ReplayStats stats;
    private final CrossSlotEmulation emulation;
    private final ExpiryGrace grace;
    private MasterTtlReads masterTtls;
    private FilteredCommands filtered; // null: every key is kept
    /** The counters of routed writes, kept after their first count: no map lookup per command. */
    private LongAdder appliedCount;
    private LongAdder splitCount;

    KeyedCommands(KnownCommands table, ReplayOptions options, TargetNodes nodes, ReplayStats stats,
                  CrossSlotEmulation emulation, ExpiryGrace grace) {
        this.table = table;
        this.options = options;
        this.nodes = nodes;
        this.stats = stats;
        this.emulation = emulation;
        this.grace = grace;
    }

    /** From now on, SETs whose TTL the source's replication may have dropped get the master's TTL. */
    void askMasterForLostTtls(MasterTtlReads reads) {
        masterTtls = reads;
    }

    /** From now on, every keyed write passes {@code f} first. */
    void filter(FilteredCommands f) {
        filtered = f;
    }

    /**
     * The steps of keyed command {@code c} ({@code transaction}: the MULTI block it is held in, null when
     * none), routed by its keys (the command's name is made only for messages: not per command).
     */
    List<Step> steps(ReplicationEvent.Command c, Transaction transaction) throws ReplayException, IOException, InterruptedException {
        List<byte[]> source = masterTtls == null ? c.argv() : masterTtls.argv(c);
        List<byte[]> argv = grace.apply(AbsoluteExpiry.apply(source, c.receivedAtMillis()), c.receivedAtMillis());
        if (CommandName.is(c.argv().get(0), "MSETNX")) {
            // replicated only when it succeeded, i.e. every key was absent: MSET has the same effect and splits
            argv = new ArrayList<>(argv);
            argv.set(0, Ascii.bytes("MSET"));
        }
        byte[] named = argv.get(0);
        KnownCommands.Entry entry = table.spec(argv, c.startOffset());
        CommandSpec spec = entry.spec();
        if (!spec.arityMatches(argv.size())) {
            throw new ReplayException(c.name(), c.startOffset(), argv.size() + " arguments do not match its arity " + spec.arity());
        }
        boolean write = spec.write();
        if (spec.policy() == ShardPolicy.ALL_SHARDS && write) {
            stats.count("broadcast");
            return List.of(FunctionLibraries.broadcast(nodes, argv, c.startOffset()));
        }
        if (!write) {
            stats.skipped("not-a-write");
            return List.of();
        }
        List<KeyRef> keys;
        try {
            keys = entry.keys(argv);
        } catch (UndeterminedKeysException e) {
            throw new ReplayException(c.name(), c.startOffset(), "its keys cannot be determined: " + e.getMessage());
        }
        if (keys.isEmpty()) {
            throw new ReplayException(c.name(), c.startOffset(), "a write without keys cannot be routed to a slot");
        }
        if (filtered != null) {
            StreamFilter.Decision d = filtered.keyed(c, spec, argv, keys);
            if (d instanceof StreamFilter.Decision.Narrowed n) {
                argv = n.argv();
                keys = n.keys();
            } else if (!(d instanceof StreamFilter.Decision.Pass)) {
                return filtered.steps(d, transaction);
            }
        }
        List<byte[]> mapped = mapKeys(argv, keys, c.db());
        if (mapped == null) {
            stats.skipped("other-db");
            return List.of();
        }
        if (keys.size() == 1) {
            // one key, the usual case: its slot, without a plan (what CommandSplitter.plan gives for it)
            byte[] key = mapped.get(keys.get(0).index());
            countRouted(false);
            // the entry travels with the send when the name it was found by is the one sent (the window's check needs it)
            CommandSpec sent = entry.byName() && mapped.get(0) == named ? spec : null;
            return List.of(new Step.Send(SlotCommand.of(HashSlot.of(key), key, mapped), -1, sent));
        }
        SlotPlan plan = CommandSplitter.plan(mapped, keys, spec.policy() == ShardPolicy.MULTI_SHARD_SPLIT);
        if (plan instanceof SlotPlan.CrossSlot x) {
            stats.count("emulated");
            return List.of(emulation.step(c.name(), x.argv(), x.keys(), c.startOffset()));
        }
        List<SlotCommand> routed = ((SlotPlan.Routed) plan).commands();
        countRouted(routed.size() > 1);
        List<Step> out = new ArrayList<>(routed.size());
        for (int i = 0; i < routed.size(); i++) {
            out.add(new Step.Send(routed.get(i)));
        }
        return out;
    }

    /** Counts a routed write under {@code split} or {@code applied}. */
    private void countRouted(boolean split) {
        if (split) {
            if (splitCount == null) {
                splitCount = stats.counter("split");
            }
            splitCount.increment();
        } else {
            if (appliedCount == null) {
                appliedCount = stats.counter("applied");
            }
            appliedCount.increment();
        }
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
}
