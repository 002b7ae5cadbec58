package io.slotferry.write;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.resp.RedisEndpoint;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ShardPipelineTest {
    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    @Test
    void aHandOverToAParkedSenderReturnsAndWakesItWhileAnotherThreadHoldsThePipelinesLock() throws Exception {
        ShardPipeline pipe = new ShardPipeline(null, RedisEndpoint.plain("127.0.0.1", 1));
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            synchronized (pipe.lock) { // a reply reader settling replies (or preempted while it does)
                locked.countDown();
                awaitQuietly(release);
            }
        });
        holder.start();
        assertTrue(locked.await(10, TimeUnit.SECONDS));

        AtomicBoolean handedOver = new AtomicBoolean();
        CountDownLatch woken = new CountDownLatch(1);
        CountDownLatch waiting = new CountDownLatch(1);
        Thread sender = new Thread(() -> {
            pipe.senderWaiting = true; // its last look found nothing to send
            waiting.countDown();
            while (!handedOver.get()) {
                Thread.yield(); // not a latch: parking on it would use up the wake-up the hand-off leaves
            }
            long start = System.nanoTime();
            try {
                pipe.park(MINUTE_NANOS); // returns at once when the hand-off left it a wake-up
            } catch (InterruptedException e) {
                return;
            }
            if (System.nanoTime() - start < MINUTE_NANOS) {
                woken.countDown();
            }
        });
        pipe.sender(sender);
        sender.start();
        // the hand-off comes after the sender said it waits (had it come before, the sender's last look,
        // which this test leaves out, would have found it)
        assertTrue(waiting.await(10, TimeUnit.SECONDS));

        Thread submitter = new Thread(() -> {
            pipe.stage(Pending.waitFor(1, 10));
            pipe.handOver();
            handedOver.set(true);
        });
        submitter.start();
        submitter.join(TimeUnit.SECONDS.toMillis(10));
        boolean blocked = submitter.isAlive();
        release.countDown();
        holder.join();
        assertFalse(blocked, "the hand-off waited for the lock another thread held");
        assertTrue(woken.await(10, TimeUnit.SECONDS), "the parked sender was not woken by the hand-off");
        sender.interrupt();
        sender.join();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
