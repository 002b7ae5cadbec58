package io.slotferry.replay;

/** What a replicated script whose declared keys span slots does ({@code --cross-slot-scripts}); a cluster cannot run it as is. */
public enum CrossSlotScripts {
    /** Stop the worker with an error naming the script and its keys (default). */
    STOP,
    /**
     * Run it once on scratch copies of its declared keys, all in one slot, and copy the keys back (the
     * cross-slot emulation). Exact when the script touches only its {@code KEYS}, as Redis requires of
     * scripts; a script that builds other key names would write those into the scratch slot instead.
     */
    EMULATE;
}
