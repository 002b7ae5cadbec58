/**
 * Key filters: which source keys a run copies and a verify compares ({@code --include}, {@code --exclude},
 * {@code --types}; databases are chosen by the database mapping). One {@link io.slotferry.filter.KeyFilter}
 * decides for the snapshot ({@link io.slotferry.filter.KeyFilter#keepsSnapshotKey}), for verify, and, through
 * {@link io.slotferry.filter.StreamFilter}, for every replicated command, and counts what it leaves out.
 * docs/running.md ("Filters") states the semantics for live commands.
 */
package io.slotferry.filter;
