package io.slotferry.migration;

/**
 * How the workers of one run share the JVM's heap. Each worker's writer holds up to its in-flight budget of
 * writes ({@code --max-in-flight-bytes}), about twice that on the heap (the queued writes and their encoded
 * batches), plus buffers of its own ({@link #PER_WORKER}: a 1 MiB batch buffer per primary, the replica's
 * 1 MiB read buffer, the loader's chunks). The workers together get at most half the heap (what the old
 * generation holds with the launcher's collector), so with many sources in one process each budget is lowered
 * to its share, never below {@link #FLOOR}; a single source keeps the budget it asked for unless the heap is
 * very small. When even the floor does not fit, the run says how much heap it needs
 * ({@link #recommendedHeap}). Measured (bench/many-sources.sh, 1M keys over 16 sources): in the launcher's
 * 184 MiB heap the workers ran out of memory with 2.9 and with 1.4 MiB in flight each (148 MB of byte arrays
 * live); with -Xmx512m they finished.
 *
 * @param inFlightBytes each worker's in-flight budget
 * @param requested     the budget asked for
 * @param workers       how many workers share the heap
 * @param maxHeap       the heap's limit ({@link Runtime#maxMemory()})
 */
record HeapShare(long inFlightBytes, long requested, int workers, long maxHeap) {
    /** The smallest budget a worker is given: below it the writer would send batches too small to keep up. */
    static final long FLOOR = 1L << 20;
    /** A worker's own buffers besides its writes in flight. */
    static final long PER_WORKER = 8L << 20;

    static HeapShare of(long maxHeap, int workers, long requested) {
        long share = (usable(maxHeap) / Math.max(1, workers) - PER_WORKER) / 2;
        return new HeapShare(Math.min(requested, Math.max(FLOOR, share)), requested, workers, maxHeap);
    }

    /** True when each worker got less than it asked for. */
    boolean lowered() {
        return inFlightBytes < requested;
    }

    /** True when even the floor does not fit the workers' part of the heap: the run may run out of memory. */
    boolean tooSmall() {
        return workers * (FLOOR * 2 + PER_WORKER) > usable(maxHeap);
    }

    /** The heap these workers need at {@link #FLOOR} each: twice what they fill. */
    long recommendedHeap() {
        return workers * (FLOOR * 2 + PER_WORKER) * 2;
    }

    /** The part of the heap the workers may fill; the rest is the young generation, the JVM's, the status'... */
    private static long usable(long maxHeap) {
        return maxHeap / 2;
    }
}
