package io.slotferry.migration;

/**
 * How the workers of one run share the JVM's heap. Each worker's writer holds up to its in-flight budget of
 * writes ({@code --max-in-flight-bytes}), about twice that on the heap (the queued writes, and the batch buffers
 * they are encoded into, which start at a sixteenth of the budget and grow with the batches: io.slotferry.write.Batch);
 * its stream replay holds back up to half the budget more (the per-slot window, io.slotferry.replay.QueuedWrites):
 * {@link #HEAP_PER_BUDGET} times the budget in all, plus buffers of its own ({@link #PER_WORKER}). The workers together get at most half the heap (what the old generation holds with
 * the launcher's collector), so with many sources in one process each budget is lowered to its share, never
 * below {@link #FLOOR}; a single source keeps the budget it asked for unless the heap is very small. When even
 * the floor does not fit, the run says how much heap it needs ({@link #recommendedHeap}): with the launcher's
 * 184 MiB heap that is from 17 sources on (19 before the replay's window).
 *
 * <p>Not counted: a value of up to {@code --big-value-bytes} (8 MiB) is held whole while it is written by
 * {@code RESTORE} (a copy in the batch too), so a worker meeting one needs that much more for a moment; larger
 * values are written in chunks inside the budget.
 *
 * <p>Measured (bench/many-sources.sh, 1M keys over 16 sources, docs/benchmarks.md): before the buffers were
 * sized to their use, 16 workers in the launcher's 184 MiB heap ran out of memory (148 MB of byte arrays live:
 * a checksum pool of 8 MiB and a 1 MiB input buffer per RDB reader, 1 MiB batch buffers per primary...); now
 * they finish in it.
 *
 * @param inFlightBytes each worker's in-flight budget
 * @param requested     the budget asked for
 * @param workers       how many workers share the heap
 * @param maxHeap       the heap's limit ({@link Runtime#maxMemory()})
 */
record HeapShare(long inFlightBytes, long requested, int workers, long maxHeap) {
    /** The smallest budget a worker is given: below it the writer would send batches too small to keep up. */
    static final long FLOOR = 1L << 20;
    /** Heap per byte of in-flight budget: the writes in flight and their batch buffers (2), the replay's window (1/2). */
    static final double HEAP_PER_BUDGET = 2.5;
    /**
     * A worker's own buffers besides its writes in flight, measured while 16 sources load (docs/benchmarks.md): the
     * RDB reader's 256 KiB input buffer and its checksum thread's 768 KiB of copies, 128 KiB per connection (three
     * primaries, the source, its TTL reads, the cluster's nodes), the replication link's and spool's 64 KiB buffers,
     * the batch buffers' start (64 KiB at least each), slot tables; the stream phase swaps the RDB reader for a 1 MiB read buffer.
     * Measured with 3 primaries: each further primary of the target adds about 200 KiB (its connection and batch buffer).
     */
    static final long PER_WORKER = 3L << 20;

    static HeapShare of(long maxHeap, int workers, long requested) {
        long share = (long) ((usable(maxHeap) / Math.max(1, workers) - PER_WORKER) / HEAP_PER_BUDGET);
        return new HeapShare(Math.min(requested, Math.max(FLOOR, share)), requested, workers, maxHeap);
    }

    /** True when each worker got less than it asked for. */
    boolean lowered() {
        return inFlightBytes < requested;
    }

    /** True when even the floor does not fit the workers' part of the heap: the run may run out of memory. */
    boolean tooSmall() {
        return workers * heapAtFloor() > usable(maxHeap);
    }

    /** The heap these workers need at {@link #FLOOR} each: twice what they fill. */
    long recommendedHeap() {
        return workers * heapAtFloor() * 2;
    }

    /** What one worker fills at {@link #FLOOR}. */
    static long heapAtFloor() {
        return (long) (FLOOR * HEAP_PER_BUDGET) + PER_WORKER;
    }

    /** The part of the heap the workers may fill; the rest is the young generation, the JVM's, the status'... */
    private static long usable(long maxHeap) {
        return maxHeap / 2;
    }
}
