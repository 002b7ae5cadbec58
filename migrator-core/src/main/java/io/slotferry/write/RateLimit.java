package io.slotferry.write;

/**
 * Operations and bytes per second, as token buckets refilled continuously (a burst of up to one
 * second's worth is allowed). A limit of 0 means unlimited. Used by the writers and by {@code migrate verify}
 * (reads of a production source). Not thread-safe: one per thread.
 */
public final class RateLimit {
    private final long opsPerSecond;
    private final long bytesPerSecond;
    private double ops;
    private double bytes;
    private long lastNanos = System.nanoTime();

    /** Limits of {@code opsPerSecond} operations and {@code bytesPerSecond} bytes (0 = no limit). */
    public RateLimit(long opsPerSecond, long bytesPerSecond) {
        this.opsPerSecond = opsPerSecond;
        this.bytesPerSecond = bytesPerSecond;
        this.ops = opsPerSecond;
        this.bytes = bytesPerSecond;
    }

    /** Waits until one operation of {@code size} bytes may go. */
    public void acquire(long size) throws InterruptedException {
        if (opsPerSecond == 0 && bytesPerSecond == 0) {
            return;
        }
        while (true) {
            long now = System.nanoTime();
            double seconds = (now - lastNanos) / 1e9;
            lastNanos = now;
            ops = Math.min(opsPerSecond, ops + seconds * opsPerSecond);
            bytes = Math.min(bytesPerSecond, bytes + seconds * bytesPerSecond);
            boolean opOk = opsPerSecond == 0 || ops >= 1;
            // A write bigger than a second's budget goes once the bucket is full, or it would never go.
            boolean bytesOk = bytesPerSecond == 0 || bytes >= Math.min(size, bytesPerSecond);
            if (opOk && bytesOk) {
                ops -= opsPerSecond == 0 ? 0 : 1;
                bytes -= bytesPerSecond == 0 ? 0 : size;
                return;
            }
            double waitOps = opOk ? 0 : (1 - ops) / opsPerSecond;
            double waitBytes = bytesOk ? 0 : (Math.min(size, bytesPerSecond) - bytes) / bytesPerSecond;
            long millis = Math.max(1, (long) Math.ceil(Math.max(waitOps, waitBytes) * 1000));
            Thread.sleep(millis);
        }
    }
}
