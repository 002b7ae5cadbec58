package io.slotferry.rdb;

/** One sorted-set member and its score. */
public record ScoredMember(byte[] member, double score) {
}
