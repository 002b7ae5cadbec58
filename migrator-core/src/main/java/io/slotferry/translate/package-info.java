/** Translate: what a source's command means on a cluster (databases, expiries, scripts, Codis restores), before routing. */
package io.slotferry.translate;
