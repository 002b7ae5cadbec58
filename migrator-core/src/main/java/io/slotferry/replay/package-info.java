/** Replay: the source's command stream applied to the cluster, with a stated policy for every command. */
package io.slotferry.replay;
