/** What the target has acknowledged, per source instance, written atomically so a restart resumes with a partial resync. */
package io.slotferry.checkpoint;
