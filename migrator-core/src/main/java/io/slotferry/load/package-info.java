/**
 * Loading an RDB snapshot into the target: each key becomes {@link io.slotferry.write.Write}s, either one
 * {@code RESTORE} of the value's raw bytes ({@link io.slotferry.load.RestorePayload}) or, for big values,
 * old targets and {@code --load-mode rewrite}, the decoded value as chunked native commands. The entry
 * point is {@link io.slotferry.load.SnapshotLoader}.
 */
package io.slotferry.load;
