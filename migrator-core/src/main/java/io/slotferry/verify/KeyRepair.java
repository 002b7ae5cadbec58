package io.slotferry.verify;

import io.slotferry.load.LoadException;
import io.slotferry.load.LoadOptions;
import io.slotferry.load.PayloadRewrite;
import io.slotferry.load.RestorePayload;
import io.slotferry.load.TargetCapabilities;
import io.slotferry.rdb.RdbType;
import io.slotferry.replay.AppliedMarks;
import io.slotferry.resp.RespValue;
import io.slotferry.translate.ExpiryGrace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * {@code --repair} of one key verify confirmed different: re-checked right before, copied again from its
 * source ({@code DUMP} + {@code PTTL} there, {@code RESTORE ... REPLACE ABSTTL} on the target; a payload the
 * target cannot restore takes the loader's rewrite path, {@link PayloadRewrite}) or deleted from the target
 * when no source holds it, then compared again. Safe while writes continue: the target write is a
 * compare-and-set (one Lua call, or a {@code WATCH}ed transaction for a rewrite) that applies only if the
 * target key is still what it was before the source was read; a key that changed meanwhile, or differs again after the write through
 * every re-check, is {@link RepairOutcome#BUSY}, never forced. One per verify lane (not thread-safe).
 */
final class KeyRepair {
    /** The target key's state: SHA-1 of its DUMP and its absolute expiry, or "" when absent. */
    private static final String STATE = "local d = redis.call('DUMP', KEYS[1]) if not d then return '' end"
            + " local t = redis.pcall('PEXPIRETIME', KEYS[1]) if type(t) == 'table' then t = '?' end"
            + " return redis.sha1hex(d) .. ':' .. t";
    /** Writes (RESTORE, or DEL for an empty payload) only when the state is still ARGV[1]. */
    private static final String SWAP = "local d = redis.call('DUMP', KEYS[1]) local s = ''"
            + " if d then local t = redis.pcall('PEXPIRETIME', KEYS[1]) if type(t) == 'table' then t = '?' end"
            + " s = redis.sha1hex(d) .. ':' .. t end"
            + " if s ~= ARGV[1] then return 0 end"
            + " if ARGV[2] == '' then redis.call('DEL', KEYS[1])"
            + " else redis.call('RESTORE', KEYS[1], ARGV[3], ARGV[2], 'REPLACE', 'ABSTTL') end return 1";
    private static final byte[] NOTHING = new byte[0];
    private static final byte[] SCRATCH = "{slotferry:".getBytes(StandardCharsets.US_ASCII);

    private final VerifyOptions options;
    private final RepairOptions repair;
    private final ValueCompare compare;
    private final Findings findings;
    private TargetCapabilities target;

    KeyRepair(VerifyOptions options, ValueCompare compare, Findings findings) {
        this.options = options;
        this.repair = options.repair();
        this.compare = compare;
        this.findings = findings;
    }

    /**
     * True for the migrator's own keys, which a repair never deletes: {@code slotferry:*} (applied marks,
     * journals; the reverse pass skips them already) and the cross-slot emulation's {@code {slotferry:...}} scratch keys.
     */
    static boolean bookkeeping(byte[] key) {
        return AppliedMarks.isToolKey(key)
                || (key.length > SCRATCH.length && Arrays.equals(key, 0, SCRATCH.length, SCRATCH, 0, SCRATCH.length));
    }

    /**
     * Repairs a source key that stayed different ({@code d}), reading the source's master (verify may have
     * compared a replica); the outcome goes to the findings.
     */
    void sourceKey(Difference d, Side source, Side target) throws IOException, InterruptedException {
        Side master = source.reads() instanceof SourceNode n ? new Side(n.master(), source.key()) : source;
        Result r = copy(master, target);
        findings.repaired(new RepairedKey(r.outcome(), d, r.detail()));
    }

    /** Deletes a target key no source holds, if it still is one ({@code stillOrphan} asks every source again). */
    void extraKey(Difference d, Side target, OrphanCheck stillOrphan) throws IOException, InterruptedException {
        Result o;
        if (bookkeeping(target.key())) {
            o = outcome(RepairOutcome.KEPT, "a slotferry bookkeeping key: never deleted");
        } else {
            String before = state(target);
            if (before.isEmpty()) {
                o = outcome(RepairOutcome.SETTLED, "gone from the target when re-checked");
            } else if (!stillOrphan.test(target.key())) {
                o = outcome(RepairOutcome.SETTLED, "a source holds it now");
            } else if (swap(target, before, NOTHING, 0) instanceof RespValue.Error e) {
                o = outcome(RepairOutcome.FAILED, "the target refused DEL: " + e.message());
            } else {
                o = state(target).isEmpty() ? outcome(RepairOutcome.REPAIRED, "deleted from the target")
                        : outcome(RepairOutcome.BUSY, "written on the target while repaired: kept");
            }
        }
        findings.repaired(new RepairedKey(o.outcome(), d, o.detail()));
    }

    /** Asks every source whether a target key is still on none of them. */
    @FunctionalInterface
    interface OrphanCheck {
        boolean test(byte[] targetKey) throws IOException, InterruptedException;
    }

    /** An outcome and what it means, for the report. */
    private record Result(RepairOutcome outcome, String detail) {
    }

    private static Result outcome(RepairOutcome o, String detail) {
        return new Result(o, detail);
    }

    private Result copy(Side source, Side target) throws IOException, InterruptedException {
        Verdict now = compare.compare(source, target);
        if (now instanceof Verdict.Same) {
            return outcome(RepairOutcome.SETTLED, "equal when re-checked before the repair");
        }
        String before = state(target);
        byte[] payload = NOTHING;
        long expireAt = 0;
        if (!(now instanceof Verdict.Gone)) {
            long size = size(source);
            if (size > repair.maxBytes()) {
                return outcome(RepairOutcome.TOO_BIG, size + " bytes on the source, above the repair limit of " + repair.maxBytes());
            }
            RespValue dump = source.call(Request.of("DUMP", source.key()));
            long pttl = Reply.integer(source.call(Request.of("PTTL", source.key())), Request.of("PTTL"));
            long readAt = System.currentTimeMillis();
            if (dump instanceof RespValue.Bulk b && b.bytes() != null && pttl != -2) {
                expireAt = pttl > 0 ? new ExpiryGrace(options.ttlGraceMs()).hold(readAt + pttl, readAt) : 0; // as the run holds it
                payload = forTarget(b.bytes(), target);
                if (payload == null) {
                    return rewrite(source, target, before, b.bytes(), expireAt);
                }
            } else if (!(dump instanceof RespValue.Bulk)) {
                Reply.checked(dump, Request.of("DUMP", source.key()));
            }
        }
        RespValue written = swap(target, before, payload, expireAt);
        if (written instanceof RespValue.Error e) {
            return outcome(RepairOutcome.FAILED, "the target refused the write: " + e.message());
        }
        if (written instanceof RespValue.Integer n && n.value() == 0) {
            return outcome(RepairOutcome.BUSY, "the target key changed between the re-check and the write: not forced");
        }
        return settleAfter(source, target, payload.length == 0 ? "not on the source: deleted from the target"
                : "copied again from the source");
    }

    /**
     * The loader's rewrite path for a payload the target cannot restore ({@link PayloadRewrite}): the
     * commands run in one {@code WATCH}ed transaction on the key's primary, which aborts if the key
     * changed since {@code before} was read.
     */
    private Result rewrite(Side source, Side target, String before, byte[] dump, long expireAt)
            throws IOException, InterruptedException {
        List<List<byte[]>> commands;
        try {
            commands = PayloadRewrite.commands(target.key(), dump, expireAt > 0 ? expireAt : -1, this.target, LoadOptions.defaults());
        } catch (LoadException e) {
            return outcome(RepairOutcome.UNRESTORABLE, "the target cannot restore this value (RDB type " + (dump[0] & 0xff)
                    + ") and it cannot be rewritten: " + e.getMessage());
        }
        if (!(target.reads() instanceof TargetReads.Routed routed)) {
            throw new IllegalStateException("a target side reads through TargetReads");
        }
        routed.pinned(Request.of("WATCH", target.key()));
        List<byte[]> state = Request.of("EVAL", STATE, 1, target.key());
        if (!before.equals(Reply.text(routed.pinned(state), state))) {
            routed.pinned(Request.of("UNWATCH"));
            return outcome(RepairOutcome.BUSY, "the target key changed between the re-check and the write: not forced");
        }
        routed.pinned(Request.of("MULTI"));
        for (List<byte[]> c : commands) {
            if (routed.pinned(c) instanceof RespValue.Error e) {
                routed.pinned(Request.of("DISCARD"));
                return outcome(RepairOutcome.FAILED, "the target refused the rewrite (" + Reply.name(c) + "): " + e.message());
            }
        }
        RespValue done = routed.pinned(Request.of("EXEC"));
        if (done instanceof RespValue.Error e) {
            return outcome(RepairOutcome.FAILED, "the target refused the rewrite: " + e.message());
        }
        if (!(done instanceof RespValue.Array a) || a.items() == null) {
            return outcome(RepairOutcome.BUSY, "the target key changed between the re-check and the write: not forced");
        }
        return settleAfter(source, target, "rewritten as commands (the target cannot RESTORE RDB type " + (dump[0] & 0xff) + ")");
    }

    /** Compares again after the write, with verify's re-check pauses: equal (or both absent) is repaired. */
    private Result settleAfter(Side source, Side target, String done) throws IOException, InterruptedException {
        String last = "";
        for (int attempt = 1; attempt <= options.rechecks(); attempt++) {
            if (attempt > 1) {
                Thread.sleep(options.recheckDelay().toMillis() * (attempt - 1));
            }
            Verdict v = compare.compare(source, target);
            if (v instanceof Verdict.Same) {
                return outcome(RepairOutcome.REPAIRED, done + " and compared equal");
            }
            if (v instanceof Verdict.Gone && state(target).isEmpty()) {
                return outcome(RepairOutcome.REPAIRED, done + "; now on neither side");
            }
            last = v instanceof Verdict.Differs d ? d.detail() : "gone from the source, still on the target";
        }
        return outcome(RepairOutcome.BUSY, "changed while repaired (last: " + last + ")");
    }

    private String state(Side target) throws IOException, InterruptedException {
        List<byte[]> argv = Request.of("EVAL", STATE, 1, target.key());
        return Reply.text(target.call(argv), argv);
    }

    private RespValue swap(Side target, String before, byte[] payload, long expireAt) throws IOException, InterruptedException {
        return target.call(Request.of("EVAL", SWAP, 1, target.key(), before, payload, expireAt));
    }

    /** The source's value size ({@code MEMORY USAGE}; before Redis 4.0 its length). */
    private static long size(Side source) throws IOException, InterruptedException {
        RespValue usage = source.call(Request.of("MEMORY", "USAGE", source.key()));
        if (usage instanceof RespValue.Integer n) {
            return n.value();
        }
        String type = source.type();
        String len = switch (type) {
            case "string" -> "STRLEN";
            case "list" -> "LLEN";
            case "set" -> "SCARD";
            case "zset" -> "ZCARD";
            case "hash" -> "HLEN";
            default -> null;
        };
        if (len == null) {
            return 0;
        }
        long n = Reply.integer(source.call(Request.of(len, source.key())), Request.of(len));
        return type.equals("string") ? n : n * 64; // elements: a generous size estimate
    }

    /**
     * The DUMP payload as the target takes it: as is, re-stamped with the target's RDB version (the
     * loader's rule, {@link TargetCapabilities#restoreVersion}), or null when the target lacks the type.
     */
    private byte[] forTarget(byte[] dump, Side target) throws IOException, InterruptedException {
        if (this.target == null) {
            List<byte[]> argv = Request.of("INFO", "server");
            this.target = TargetCapabilities.fromInfo(Reply.text(target.call(argv), argv));
        }
        if (dump.length < 11) {
            return null;
        }
        int version = new RestorePayload(dump).rdbVersion();
        RdbType type = RdbType.byCode(dump[0] & 0xff);
        if (type == null) {
            return null;
        }
        int stamp = this.target.restoreVersion(type, version, version >= 80);
        if (stamp < 0) {
            return null;
        }
        if (stamp == version) {
            return dump;
        }
        return RestorePayload.of(type, Arrays.copyOfRange(dump, 1, dump.length - 10), stamp).bytes();
    }
}
