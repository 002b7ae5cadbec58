package io.slotferry.load;

/** How keys are written to the target. */
public enum LoadMode {
    /** {@code RESTORE} of the raw value when the target can take it, the rewrite path otherwise (default). */
    RESTORE,
    /** Always native commands from the decoded value ({@code --load-mode rewrite}). */
    REWRITE
}
