package io.slotferry.verify;

/**
 * {@code --repair}: copy every key found different again from its source.
 *
 * @param maxBytes values bigger than this on the source ({@code MEMORY USAGE}) are not repaired but
 *                 reported {@link RepairOutcome#TOO_BIG}: memory holds at most one DUMP payload of this size per lane
 */
public record RepairOptions(long maxBytes) {

    public RepairOptions {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("the repair size limit must be positive, got " + maxBytes);
        }
    }

    /** Values up to 64 MiB. */
    public static RepairOptions defaults() {
        return new RepairOptions(64L << 20);
    }
}
