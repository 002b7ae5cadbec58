package io.slotferry.cli;

import io.slotferry.migration.Migration;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM end a run cleanly: workers stop reading, drain their writes, write checkpoints,
 * and {@code migrate run} exits 0 (a JVM shutdown hook could not: the exit code would be 143, and
 * output written during shutdown may be lost). A second signal while stopping is ignored: the stop
 * is bounded anyway (snapshot loads are interrupted after a grace period).
 */
final class StopSignals {
    private StopSignals() {
    }

    static void install(Migration migration) {
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), s -> {
                System.err.println("migrate: SIG" + s.getName() + " received: stopping (draining writes, writing checkpoints)");
                Thread stopper = new Thread(() -> {
                    try {
                        migration.stop(0);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "stop");
                stopper.setDaemon(true);
                stopper.start();
            });
        }
    }
}
