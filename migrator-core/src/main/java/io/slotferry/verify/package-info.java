/** {@code migrate verify}: source and target compared by counts, by a sample or key by key, in both directions. */
package io.slotferry.verify;
