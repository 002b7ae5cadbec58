package io.slotferry.rdb;

import java.util.List;

/** One live (not deleted) stream entry: its ID and field/value pairs in order. */
public record StreamEntry(StreamId id, List<byte[]> fieldsAndValues) {
}
