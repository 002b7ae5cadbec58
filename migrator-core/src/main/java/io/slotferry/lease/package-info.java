/**
 * Several processes over one fleet: a lease per source instance and a shared Codis freeze, both kept in
 * the target cluster itself as the migrator's own keys ({@code slotferry:lease:*}, {@code slotferry:codis-freeze:*}).
 */
package io.slotferry.lease;
