package io.slotferry.replication.scan;

import java.util.concurrent.TimeUnit;

/**
 * Keeps a walk at or below a number of keys per second. Each batch is paid for after it is taken:
 * the first goes at once and the next waits until the previous ones' budget has elapsed. Idle time
 * (a slow consumer) is not saved up, so no burst follows a pause.
 */
final class KeyPacer {
    private final long keysPerSecond;
    private long nextFreeNanos;
    private boolean started;

    /** {@code keysPerSecond} 0 = never waits. */
    KeyPacer(int keysPerSecond) {
        this.keysPerSecond = keysPerSecond;
    }

    /** Waits, if needed, before fetching {@code keys} keys. */
    void acquire(int keys) throws InterruptedException {
        if (keysPerSecond == 0 || keys == 0) {
            return;
        }
        long now = System.nanoTime();
        if (!started || now - nextFreeNanos > 0) {
            nextFreeNanos = now;
            started = true;
        }
        long wait = nextFreeNanos - now;
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        nextFreeNanos += keys * 1_000_000_000L / keysPerSecond;
    }
}
