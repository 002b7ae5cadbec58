/** Writing to the target: one pipelined writer per primary, per-slot order, redirects and failover, acknowledged offsets. */
package io.slotferry.write;
