package io.slotferry.verify;

/**
 * One key {@code --repair} handled.
 *
 * @param outcome    what the repair did
 * @param difference the difference verify confirmed
 * @param detail     what happened, with values shown safely
 */
public record RepairedKey(RepairOutcome outcome, Difference difference, String detail) {
}
