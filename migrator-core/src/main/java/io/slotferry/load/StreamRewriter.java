package io.slotferry.load;

import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.StreamEntry;
import io.slotferry.rdb.StreamId;
import io.slotferry.write.Write;
import io.slotferry.write.WriteException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The rewrite path of a stream: its entries, its IDs and counters, its consumer groups, consumers and
 * pending entries, as native commands (Redis 5.0+; the counters need 7.0, empty consumers 6.2).
 *
 * <ol>
 *   <li>Entries: one {@code XADD key id field value ...} per entry, a node's entries per write, with an
 *       {@code XLEN} probe (XADD of an existing ID fails, so a write must not be applied twice).</li>
 *   <li>{@code XSETID key last-id [ENTRIESADDED n MAXDELETEDID id]}; a stream without entries is first
 *       created empty with {@code XGROUP CREATE ... MKSTREAM} of a temporary group, destroyed at once
 *       (XADD + XDEL would leave a max-deleted ID that XSETID 0-0 then refuses).</li>
 *   <li>Per group {@code XGROUP DESTROY} + {@code XGROUP CREATE key group last-delivered-id [ENTRIESREAD n]}
 *       (DESTROY first so a re-sent write does not fail with BUSYGROUP).</li>
 *   <li>Per consumer, its pending IDs with {@code XCLAIM key group consumer 0 id... TIME t RETRYCOUNT n
 *       FORCE JUSTID}, with delivery time and count from the group PEL ({@link PendingIndex}, read in a
 *       first pass); a consumer without pending entries with {@code XGROUP CREATECONSUMER}.</li>
 *   <li>XCLAIM cannot make a pending entry for an ID that is not in the stream, yet a PEL keeps the IDs
 *       of entries deleted while pending. Such IDs are added in order among the entries, with a placeholder
 *       field, claimed like the others, and deleted with {@code XDEL} at the end; XSETID has already set
 *       the counters that XADD/XDEL would otherwise change. The XCLAIM writes of placeholders carry a
 *       guard probe (see {@link #NEVER}): after a lost connection they may be re-sent only while the
 *       placeholders still exist.</li>
 * </ol>
 * Consumers' seen/active times and delivery times before "now" are not adjustable by commands beyond
 * what XCLAIM TIME sets; consumers get the target's current time as seen-time.
 */
final class StreamRewriter implements Rewriter {
    private static final byte[] TEMPORARY_GROUP = "slotferry:mkstream".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PLACEHOLDER_FIELD = "slotferry:deleted-pending".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];
    private static final int XDEL_IDS = 1024;
    /**
     * {@code appliedWhen} of a guard probe, never answered: an XCLAIM of placeholders is idempotent only
     * while they exist (once deleted, XCLAIM drops their pending entries), so it is re-sent while XLEN
     * still counts them, and the writer stops instead of re-sending it once the XDEL has applied.
     */
    private static final long NEVER = Long.MAX_VALUE;

    private final KeyWrites out;
    private final byte[] key;
    private final TargetCapabilities target;
    private final PendingIndex pel;
    /** Per group, the next PEL entry not yet merged with the stream's entries. */
    private final long[] cursors;
    /** Entries in the target stream now: live ones and placeholders not deleted yet. */
    private long length;
    private long placeholders;
    private int group = -1;
    private byte[] groupName;
    private byte[] consumer;
    private long hint;

    StreamRewriter(KeyWrites out, byte[] key, TargetCapabilities target, PendingIndex pel) {
        this.out = out;
        this.key = key;
        this.target = target;
        this.pel = pel;
        this.cursors = new long[pel.groups()];
        for (int g = 0; g < cursors.length; g++) {
            cursors[g] = pel.groupStart(g);
        }
    }

    @Override
    public void accept(RdbEvent chunk) throws DataError, IOException, InterruptedException {
        if (chunk instanceof RdbEvent.StreamEntries e) {
            entries(e.entries());
        } else if (chunk instanceof RdbEvent.StreamMetadata m) {
            metadata(m);
        } else if (chunk instanceof RdbEvent.StreamGroup g) {
            group(g);
        } else if (chunk instanceof RdbEvent.StreamPending) {
            return; // read in the first pass (PendingIndex)
        } else if (chunk instanceof RdbEvent.StreamConsumer c) {
            consumer(c);
        } else if (chunk instanceof RdbEvent.StreamConsumerPending p) {
            claim(p.ids());
        } else {
            throw new IllegalStateException("unexpected event in a stream: " + chunk.getClass().getSimpleName());
        }
    }

    private void entries(List<StreamEntry> entries) throws IOException, InterruptedException {
        long before = length;
        List<List<byte[]>> commands = new ArrayList<>(entries.size());
        for (StreamEntry entry : entries) {
            placeholdersUpTo(entry.id(), commands);
            Argv xadd = Argv.of("XADD", key, 1 + entry.fieldsAndValues().size()).add(entry.id().toString());
            entry.fieldsAndValues().forEach(xadd::add);
            commands.add(xadd.build());
            length++;
        }
        out.add(commands, xlen(before));
    }

    /** Adds a placeholder for each pending ID below {@code id} (null: all that are left); skips {@code id} itself. */
    private void placeholdersUpTo(StreamId id, List<List<byte[]>> commands) throws IOException {
        while (true) {
            int g = nextPending();
            if (g < 0) {
                return;
            }
            StreamId p = pel.id(cursors[g]);
            int c = id == null ? -1 : p.compareTo(id);
            if (c > 0) {
                return;
            }
            if (c < 0) {
                commands.add(Argv.of("XADD", key).add(p.toString()).add(PLACEHOLDER_FIELD).add(EMPTY).build());
                length++;
                placeholders++;
            }
            for (int x = 0; x < cursors.length; x++) { // the same ID may be pending in several groups
                if (cursors[x] < pel.groupEnd(x) && pel.id(cursors[x]).equals(p)) {
                    if (c < 0) {
                        pel.markGhost(cursors[x]);
                    }
                    cursors[x]++;
                }
            }
        }
    }

    /** The group whose next unmerged PEL ID is the smallest, or -1 when all are merged. */
    private int nextPending() throws IOException {
        int best = -1;
        StreamId min = null;
        for (int g = 0; g < cursors.length; g++) {
            if (cursors[g] < pel.groupEnd(g)) {
                StreamId id = pel.id(cursors[g]);
                if (min == null || id.compareTo(min) < 0) {
                    min = id;
                    best = g;
                }
            }
        }
        return best;
    }

    private void metadata(RdbEvent.StreamMetadata m) throws IOException, InterruptedException {
        long before = length;
        List<List<byte[]>> trailing = new ArrayList<>();
        placeholdersUpTo(null, trailing);
        out.add(trailing, xlen(before));
        List<List<byte[]>> commands = new ArrayList<>(3);
        if (length == 0) {
            commands.add(Argv.words("XGROUP", "CREATE").add(key).add(TEMPORARY_GROUP)
                    .add("0").add("MKSTREAM").build());
            commands.add(Argv.words("XGROUP", "DESTROY").add(key).add(TEMPORARY_GROUP).build());
        }
        Argv setId = Argv.of("XSETID", key).add(m.lastId().toString());
        if (target.streamCounters() && m.entriesAdded() >= 0 && m.maxDeletedId() != null) {
            setId.add("ENTRIESADDED").addUnsigned(m.entriesAdded()).add("MAXDELETEDID").add(m.maxDeletedId().toString());
        }
        commands.add(setId.build());
        out.add(commands, null);
    }

    private void group(RdbEvent.StreamGroup g) throws WriteException, InterruptedException {
        group++;
        groupName = g.name();
        Argv create = Argv.words("XGROUP", "CREATE").add(key).add(groupName)
                .add(g.lastDeliveredId().toString());
        if (target.streamCounters() && g.entriesRead() >= 0) {
            create.add("ENTRIESREAD").add(g.entriesRead());
        }
        out.add(List.of(Argv.words("XGROUP", "DESTROY").add(key).add(groupName).build(),
                create.build()), null);
    }

    private void consumer(RdbEvent.StreamConsumer c) throws DataError, WriteException, InterruptedException {
        consumer = c.name();
        if (c.pendingCount() > 0) {
            return; // XCLAIM creates it
        }
        if (!target.createConsumer()) {
            throw new DataError("consumer " + LoadStats.printable(c.name()) + " has no pending entries, and the target ("
                    + target + ") has no XGROUP CREATECONSUMER (6.2+) to create it");
        }
        out.add(List.of(Argv.words("XGROUP", "CREATECONSUMER").add(key).add(groupName)
                .add(consumer).build()), null);
    }

    /** XCLAIM of the consumer's IDs, one command per run of IDs with the same delivery time and count. */
    private void claim(List<StreamId> ids) throws DataError, IOException, InterruptedException {
        List<List<byte[]>> commands = new ArrayList<>();
        List<StreamId> run = new ArrayList<>();
        long runTime = 0;
        long runCount = 0;
        boolean claimsPlaceholders = false;
        for (StreamId id : ids) {
            long i = pel.find(group, id, hint);
            if (i < 0) {
                throw new DataError("consumer " + LoadStats.printable(consumer) + " has pending ID " + id
                        + ", which its group's PEL does not have (corrupt stream value)");
            }
            hint = i + 1;
            claimsPlaceholders |= pel.ghost(i);
            long time = pel.deliveryTime(i);
            long count = pel.deliveryCount(i);
            if (!run.isEmpty() && (time != runTime || count != runCount)) {
                commands.add(xclaim(run, runTime, runCount));
                run.clear();
            }
            run.add(id);
            runTime = time;
            runCount = count;
        }
        if (!run.isEmpty()) {
            commands.add(xclaim(run, runTime, runCount));
        }
        out.add(commands, claimsPlaceholders ? new Write.Probe.Length(Argv.of("XLEN", key).build(), NEVER, length) : null);
    }

    private List<byte[]> xclaim(List<StreamId> ids, long time, long count) {
        Argv x = Argv.of("XCLAIM", key, ids.size() + 10).add(groupName).add(consumer).add(0);
        ids.forEach(id -> x.add(id.toString()));
        return x.add("TIME").add(time).add("RETRYCOUNT").add(count).add("FORCE").add("JUSTID").build();
    }

    /** Deletes the placeholders once every group has claimed them (an ID pending in two groups is listed twice: harmless). */
    @Override
    public void end() throws IOException, InterruptedException {
        if (placeholders == 0) {
            return;
        }
        Argv xdel = Argv.of("XDEL", key, XDEL_IDS);
        for (long i = 0; i < pel.size(); i++) {
            if (pel.ghost(i)) {
                xdel.add(pel.id(i).toString());
                if (xdel.size() - 2 == XDEL_IDS) {
                    out.add(List.of(xdel.build()), null);
                    xdel = Argv.of("XDEL", key, XDEL_IDS);
                }
            }
        }
        if (xdel.size() > 2) {
            out.add(List.of(xdel.build()), null);
        }
    }

    private Write.Probe xlen(long before) {
        return new Write.Probe.Length(Argv.of("XLEN", key).build(), length, before);
    }
}
