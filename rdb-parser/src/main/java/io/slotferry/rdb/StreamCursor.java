package io.slotferry.rdb;

import io.slotferry.rdb.encoding.CorruptEncodingException;
import io.slotferry.rdb.encoding.Listpack;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream value (RDB 9+): listpack nodes keyed by their master ID, then length and IDs, then
 * consumer groups with their PEL and consumers. One {@link RdbEvent.StreamEntries} per node (nodes
 * are bounded by {@code stream-node-max-bytes}), PEL and consumer PEL in bounded chunks.
 *
 * <p>Inside a node: master entry {@code count, deleted, n, field_1..field_n, 0}, then per entry
 * {@code flags, ms-diff, seq-diff, [n, field, value...] | [value...] (SAMEFIELDS), lp-count}; flag 1
 * marks a deleted entry, which is skipped.
 */
final class StreamCursor extends ValueCursor {
    private static final int FLAG_DELETED = 1;
    private static final int FLAG_SAMEFIELDS = 2;

    private enum Phase { NODES, METADATA, GROUP, PENDING, CONSUMER, CONSUMER_PENDING, DONE }

    private final RdbType type;
    private Phase phase = Phase.NODES;
    private long nodesLeft = -1;
    private long groupsLeft;
    private long pendingLeft;
    private long consumersLeft;

    StreamCursor(RdbType type, RdbInput in, RdbStrings strings, RdbOptions options) {
        super(in, strings, options);
        this.type = type;
    }

    @Override
    RdbEvent next() throws IOException {
        while (true) {
            switch (phase) {
                case NODES -> {
                    if (nodesLeft < 0) {
                        nodesLeft = strings.readLength("the listpack node count of a stream");
                    }
                    if (nodesLeft == 0) {
                        phase = Phase.METADATA;
                        continue;
                    }
                    nodesLeft--;
                    List<StreamEntry> entries = readNode();
                    if (!entries.isEmpty()) {
                        return new RdbEvent.StreamEntries(entries);
                    }
                }
                case METADATA -> {
                    RdbEvent meta = readMetadata();
                    phase = Phase.GROUP;
                    return meta;
                }
                case GROUP -> {
                    if (groupsLeft == 0) {
                        phase = Phase.DONE;
                        continue;
                    }
                    groupsLeft--;
                    byte[] name = strings.readString("a consumer group name");
                    StreamId last = readId("a group's last delivered ID");
                    long entriesRead = -1;
                    if (type != RdbType.STREAM_LISTPACKS) {
                        entriesRead = strings.readUnsignedLength("a group's entries-read counter");
                    }
                    pendingLeft = strings.readLength("a group's pending entry count");
                    phase = Phase.PENDING;
                    return new RdbEvent.StreamGroup(name, last, entriesRead, pendingLeft);
                }
                case PENDING -> {
                    if (pendingLeft == 0) {
                        consumersLeft = strings.readLength("a group's consumer count");
                        phase = Phase.CONSUMER;
                        continue;
                    }
                    List<PendingEntry> chunk = new ArrayList<>();
                    while (pendingLeft > 0 && chunk.size() < options.chunkElements()) {
                        pendingLeft--;
                        StreamId id = rawId("a PEL entry ID");
                        long deliveryTime = in.readLongLE("a PEL delivery time");
                        long count = strings.readLength("a PEL delivery count");
                        chunk.add(new PendingEntry(id, deliveryTime, count));
                    }
                    return new RdbEvent.StreamPending(chunk);
                }
                case CONSUMER -> {
                    if (consumersLeft == 0) {
                        phase = Phase.GROUP;
                        continue;
                    }
                    consumersLeft--;
                    byte[] name = strings.readString("a consumer name");
                    long seen = in.readLongLE("a consumer seen time");
                    long active = type == RdbType.STREAM_LISTPACKS_3 ? in.readLongLE("a consumer active time") : -1;
                    pendingLeft = strings.readLength("a consumer's pending count");
                    phase = Phase.CONSUMER_PENDING;
                    return new RdbEvent.StreamConsumer(name, seen, active, pendingLeft);
                }
                case CONSUMER_PENDING -> {
                    if (pendingLeft == 0) {
                        phase = Phase.CONSUMER;
                        continue;
                    }
                    List<StreamId> chunk = new ArrayList<>();
                    while (pendingLeft > 0 && chunk.size() < options.chunkElements()) {
                        pendingLeft--;
                        chunk.add(rawId("a consumer PEL ID"));
                    }
                    return new RdbEvent.StreamConsumerPending(chunk);
                }
                case DONE -> {
                    return null;
                }
                default -> throw new IllegalStateException(phase.toString());
            }
        }
    }

    private RdbEvent readMetadata() throws IOException {
        long length = strings.readLength("a stream length");
        StreamId lastId = readId("a stream's last ID");
        StreamId firstId = null;
        StreamId maxDeleted = null;
        long entriesAdded = -1;
        if (type != RdbType.STREAM_LISTPACKS) {
            firstId = readId("a stream's first ID");
            maxDeleted = readId("a stream's max deleted ID");
            entriesAdded = strings.readUnsignedLength("a stream's entries-added counter");
        }
        groupsLeft = strings.readLength("a stream's consumer group count");
        return new RdbEvent.StreamMetadata(length, lastId, firstId, maxDeleted, entriesAdded, groupsLeft);
    }

    private StreamId readId(String what) throws IOException {
        return new StreamId(strings.readUnsignedLength(what), strings.readUnsignedLength(what));
    }

    /** 16 raw bytes: ms and seq, big-endian (how the rax keys store IDs). */
    private StreamId rawId(String what) throws IOException {
        return new StreamId(in.readLongBE(what), in.readLongBE(what));
    }

    private List<StreamEntry> readNode() throws IOException {
        long keyOffset = in.offset();
        byte[] key = strings.readString("a stream node master ID");
        if (key.length != 16) {
            throw new RdbFormatException(keyOffset, "a 16-byte stream node master ID", "but it has " + key.length + " bytes");
        }
        long ms = 0;
        long seq = 0;
        for (int i = 0; i < 8; i++) {
            ms = ms << 8 | (key[i] & 0xff);
            seq = seq << 8 | (key[8 + i] & 0xff);
        }
        long blobOffset = in.offset();
        byte[] blob = strings.readString("a stream listpack");
        try {
            Listpack lp = new Listpack(blob);
            if (!lp.hasNext()) {
                throw new RdbFormatException(blobOffset, "a stream listpack with a master entry", "but it is empty");
            }
            lp.nextLong(); // live entries
            lp.nextLong(); // deleted entries
            int masterCount = (int) lp.nextLong();
            if (masterCount < 0 || masterCount > blob.length) {
                throw new RdbFormatException(blobOffset, "a master field count", "but found " + masterCount);
            }
            byte[][] masterFields = new byte[masterCount][];
            for (int i = 0; i < masterCount; i++) {
                masterFields[i] = lp.next();
            }
            if (lp.nextLong() != 0) {
                throw new RdbFormatException(blobOffset, "the master entry terminator 0", "but found another value");
            }
            List<StreamEntry> entries = new ArrayList<>();
            while (lp.hasNext()) {
                int flags = (int) lp.nextLong();
                StreamId id = new StreamId(ms + lp.nextLong(), seq + lp.nextLong());
                List<byte[]> fv;
                if ((flags & FLAG_SAMEFIELDS) != 0) {
                    fv = new ArrayList<>(masterCount * 2);
                    for (int i = 0; i < masterCount; i++) {
                        fv.add(masterFields[i]);
                        fv.add(lp.next());
                    }
                } else {
                    int n = (int) lp.nextLong();
                    if (n < 0 || n > blob.length) {
                        throw new RdbFormatException(blobOffset, "a stream entry field count", "but found " + n);
                    }
                    fv = new ArrayList<>(n * 2);
                    for (int i = 0; i < 2 * n; i++) {
                        fv.add(lp.next());
                    }
                }
                lp.nextLong(); // lp-count, for backward iteration
                if ((flags & FLAG_DELETED) == 0) {
                    entries.add(new StreamEntry(id, fv));
                }
            }
            return entries;
        } catch (CorruptEncodingException e) {
            throw corrupt(e, blobOffset, "stream listpack");
        }
    }
}
