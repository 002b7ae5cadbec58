package io.slotferry.load;

import io.slotferry.rdb.HashField;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.ScoredMember;
import io.slotferry.write.Write;
import io.slotferry.write.WriteException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rewrite path of strings, lists, sets, sorted sets and hashes: each decoded chunk becomes one
 * variadic command (plus field TTLs for hashes). {@code APPEND} and {@code RPUSH} are not idempotent, so
 * their writes carry a probe ({@code STRLEN}, {@code LLEN}) counting what the key holds before and after.
 */
final class ValueRewriter implements Rewriter {
    private final KeyWrites out;
    private final byte[] key;
    private final TargetCapabilities target;
    private final long nowMs;
    /** Bytes (strings) or elements (lists) written so far: the probes' "not applied" answer. */
    private long length;

    ValueRewriter(KeyWrites out, byte[] key, TargetCapabilities target, long nowMs) {
        this.out = out;
        this.key = key;
        this.target = target;
        this.nowMs = nowMs;
    }

    @Override
    public void accept(RdbEvent chunk) throws DataError, WriteException, InterruptedException {
        if (chunk instanceof RdbEvent.StringValue s) {
            string(s.bytes());
        } else if (chunk instanceof RdbEvent.ListElements l) {
            Argv rpush = Argv.of("RPUSH", key, l.elements().size());
            l.elements().forEach(rpush::add);
            long before = length;
            length += l.elements().size();
            out.add(List.of(rpush.build()), probe("LLEN", before));
        } else if (chunk instanceof RdbEvent.SetMembers s) {
            Argv sadd = Argv.of("SADD", key, s.members().size());
            s.members().forEach(sadd::add);
            out.add(List.of(sadd.build()), null);
        } else if (chunk instanceof RdbEvent.SortedSetEntries z) {
            Argv zadd = Argv.of("ZADD", key, 2 * z.entries().size());
            for (ScoredMember m : z.entries()) {
                if (Double.isNaN(m.score())) {
                    throw new DataError("a sorted set member has the score NaN, which no sorted set can hold");
                }
                zadd.add(Argv.score(m.score())).add(m.member());
            }
            out.add(List.of(zadd.build()), null);
        } else if (chunk instanceof RdbEvent.HashFields h) {
            hash(h.fields());
        } else if (chunk instanceof RdbEvent.ModuleValue m) {
            throw new DataError("a value of module type " + m.module().name() + " can only be restored (RESTORE), "
                    + "not rewritten as commands");
        } else {
            throw new IllegalStateException("unexpected event in a value: " + chunk.getClass().getSimpleName());
        }
    }

    /** The first piece is a SET, further pieces of a big string are APPENDed. */
    private void string(byte[] piece) throws WriteException, InterruptedException {
        boolean first = out.first();
        long before = length;
        length += piece.length;
        if (first) {
            out.add(List.of(Argv.of("SET", key).add(piece).build()), null);
        } else {
            out.add(List.of(Argv.of("APPEND", key).add(piece).build()), probe("STRLEN", before));
        }
    }

    /**
     * HSET of the fields, then HPEXPIREAT per distinct field expiry, in one transaction. Fields whose TTL
     * passed are left out (the source would not return them either).
     */
    private void hash(List<HashField> fields) throws DataError, WriteException, InterruptedException {
        Argv hset = Argv.of(target.variadicHset() ? "HSET" : "HMSET", key, 2 * fields.size());
        Map<Long, List<byte[]>> byExpiry = new LinkedHashMap<>();
        for (HashField f : fields) {
            if (f.expireAtMs() >= 0) {
                if (f.expireAtMs() <= nowMs) {
                    continue;
                }
                if (!target.hashFieldTtl()) {
                    throw new DataError("the hash has fields with a TTL, which the target (" + target
                            + ") cannot store; loading it without them would keep fields that must expire");
                }
                byExpiry.computeIfAbsent(f.expireAtMs(), at -> new ArrayList<>()).add(f.field());
            }
            hset.add(f.field()).add(f.value());
        }
        if (hset.size() == 2) {
            return; // every field of the chunk had expired
        }
        List<List<byte[]>> commands = new ArrayList<>(1 + byExpiry.size());
        commands.add(hset.build());
        for (Map.Entry<Long, List<byte[]>> e : byExpiry.entrySet()) {
            Argv expire = Argv.of("HPEXPIREAT", key).add(e.getKey()).add("FIELDS").add(e.getValue().size());
            e.getValue().forEach(expire::add);
            commands.add(expire.build());
        }
        out.add(commands, null);
    }

    /** The probe of a write that grows the key from {@code before} to the current {@link #length}. */
    private Write.Probe probe(String command, long before) {
        return new Write.Probe.Length(Argv.of(command, key).build(), length, before);
    }
}
