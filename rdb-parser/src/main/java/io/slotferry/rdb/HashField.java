package io.slotferry.rdb;

/** One hash field, its value, and its absolute expiry in unix ms (-1: no field TTL; Redis 7.4+). */
public record HashField(byte[] field, byte[] value, long expireAtMs) {
}
