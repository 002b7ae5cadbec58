/** The migration itself: routing, splitting, writing, checkpoints and metrics (later issues). */
package io.slotferry.migration;
