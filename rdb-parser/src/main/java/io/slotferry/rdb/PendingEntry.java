package io.slotferry.rdb;

/** An entry of a consumer group's pending entries list (PEL). */
public record PendingEntry(StreamId id, long deliveryTimeMs, long deliveryCount) {
}
