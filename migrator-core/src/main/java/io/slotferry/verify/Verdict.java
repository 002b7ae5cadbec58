package io.slotferry.verify;

/** The outcome of comparing one key once. */
sealed interface Verdict {
    /** Equal on both sides (value and TTL within tolerance). */
    record Same() implements Verdict {
    }

    /** The source key no longer exists (deleted or expired while verify ran): not a difference. */
    record Gone() implements Verdict {
    }

    /** Different, and how. */
    record Differs(DiffKind kind, String detail) implements Verdict {
    }

    Verdict SAME = new Same();
    Verdict GONE = new Gone();
}
