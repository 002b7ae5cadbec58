package io.slotferry.checkpoint;

/**
 * {@code finished.json}: {@code migrate finish} ended the migration of this state directory (the
 * target was cut over and the migrator's own keys were deleted). A later {@code migrate run} over the
 * directory refuses to start unless told to reopen it: its checkpoints would resume streams into a
 * target the application now writes.
 *
 * @param finishedAt      when (ISO-8601, UTC)
 * @param target          the target it was finished on
 * @param toolKeysDeleted the migrator's keys deleted from the target
 */
public record Finished(String finishedAt, String target, long toolKeysDeleted) {
}
