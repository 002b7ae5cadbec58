/** Coordination of a migration: one worker per source instance, snapshot then stream, against one target. */
package io.slotferry.migration;
