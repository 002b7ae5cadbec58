package io.slotferry.rdb;

import java.util.List;

/**
 * Everything {@link RdbReader#next()} can return, in file order.
 *
 * <p>In {@link RdbOptions.Mode#RAW} mode each key is one {@link RawValue}. In
 * {@link RdbOptions.Mode#DECODED} mode a key is {@link KeyBegin}, zero or more bounded value chunks
 * of the key's type, then {@link KeyEnd}; a stream key delivers its entries, then
 * {@link StreamMetadata}, then per group {@link StreamGroup}, its {@link StreamPending} chunks and its
 * {@link StreamConsumer}s, each followed by its {@link StreamConsumerPending} chunks.
 */
public sealed interface RdbEvent {

    /** The magic and version of the file, first event of every file. */
    record Header(String magic, int version) implements RdbEvent {
    }

    /** An AUX field (RDB 7+), e.g. {@code redis-ver}, {@code repl-id}, {@code lua}. */
    record Aux(byte[] name, byte[] value) implements RdbEvent {
    }

    /** The database of the keys that follow. */
    record SelectDb(int db) implements RdbEvent {
    }

    /** Hash table size hints of the current database (RDB 7+). */
    record ResizeDb(long keys, long expires) implements RdbEvent {
    }

    /** Per-slot size hint written by cluster-enabled servers (RDB 12). */
    record SlotInfo(int slot, long keys, long expires) implements RdbEvent {
    }

    /** A function library's source code (FUNCTION2, RDB 10; the 7.0-rc FUNCTION form is mapped here too). */
    record FunctionLibrary(byte[] code) implements RdbEvent {
    }

    /** Module auxiliary data (RDB 9); its contents are module-private and skipped. */
    record ModuleAux(ModuleType module, long when) implements RdbEvent {
    }

    /**
     * A whole key in raw mode: {@code value} holds the exact serialized value bytes following the type
     * byte (so type byte + value + RDB version + CRC-64 is a DUMP payload), or null when they exceeded
     * {@link RdbOptions#maxRawValueBytes()}; {@code valueOffset}/{@code valueLength} locate them in the
     * input either way, for a second, decoded pass over a spooled file. Read with
     * {@link RdbOptions#dumpFrames()}, {@code value} is framed instead: the type byte, those bytes, then
     * {@link DumpPayload#TRAILER} free bytes, a DUMP payload once {@link DumpPayload#stamp stamped}.
     */
    record RawValue(KeyHeader key, byte[] value, long valueOffset, long valueLength) implements RdbEvent {
        public boolean captured() {
            return value != null;
        }
    }

    /** Start of a decoded key. */
    record KeyBegin(KeyHeader key) implements RdbEvent {
    }

    /** A piece of a string value; short strings come as one piece. */
    record StringValue(byte[] bytes) implements RdbEvent {
    }

    /** List elements, in list order. */
    record ListElements(List<byte[]> elements) implements RdbEvent {
    }

    /** Set members (in storage order, which is not meaningful). */
    record SetMembers(List<byte[]> members) implements RdbEvent {
    }

    /** Sorted-set members with scores (in storage order). */
    record SortedSetEntries(List<ScoredMember> entries) implements RdbEvent {
    }

    /** Hash fields with values and field TTLs. */
    record HashFields(List<HashField> fields) implements RdbEvent {
    }

    /** Live stream entries, in ID order. */
    record StreamEntries(List<StreamEntry> entries) implements RdbEvent {
    }

    /**
     * Stream metadata. {@code firstId}, {@code maxDeletedId} are null and {@code entriesAdded} is -1 before
     * STREAM_LISTPACKS_2 (RDB 10).
     */
    record StreamMetadata(long length, StreamId lastId, StreamId firstId, StreamId maxDeletedId, long entriesAdded,
                          long groupCount) implements RdbEvent {
    }

    /** A consumer group; {@code entriesRead} is -1 when unknown or before RDB 10. */
    record StreamGroup(byte[] name, StreamId lastDeliveredId, long entriesRead, long pendingCount) implements RdbEvent {
    }

    /** Entries of the current group's PEL, in ID order. */
    record StreamPending(List<PendingEntry> entries) implements RdbEvent {
    }

    /** A consumer of the current group; {@code activeTimeMs} is -1 before STREAM_LISTPACKS_3 (RDB 11). */
    record StreamConsumer(byte[] name, long seenTimeMs, long activeTimeMs, long pendingCount) implements RdbEvent {
    }

    /** IDs of the group PEL owned by the current consumer, in ID order. */
    record StreamConsumerPending(List<StreamId> ids) implements RdbEvent {
    }

    /** A module value; its module-private body is skipped. */
    record ModuleValue(ModuleType module) implements RdbEvent {
    }

    /** End of a decoded key. */
    record KeyEnd(KeyHeader key) implements RdbEvent {
    }

    /**
     * The EOF opcode and trailer. {@code trailingBytes} counts bytes after the trailer (tolerated:
     * some tools append data).
     */
    record End(ChecksumStatus checksum, long offset, long trailingBytes) implements RdbEvent {
    }
}
