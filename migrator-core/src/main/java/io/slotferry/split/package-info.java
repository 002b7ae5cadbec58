/** Split: one source command becomes per-slot target commands, or is found to need an emulation. */
package io.slotferry.split;
