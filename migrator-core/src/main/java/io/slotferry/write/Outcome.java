package io.slotferry.write;

/** What the target's replies to one write mean for it. */
sealed interface Outcome {

    /** Applied (for a transaction: every command ran without error). */
    record Applied() implements Outcome {
    }

    /** {@code -MOVED slot host:port}: the slot lives elsewhere now. */
    record Moved(int slot, String host, int port) implements Outcome {
    }

    /** {@code -ASK slot host:port}: this key is being imported there; send it with {@code ASKING}. */
    record Ask(int slot, String host, int port) implements Outcome {
    }

    /** A fault of the node or cluster that passes (TRYAGAIN, CLUSTERDOWN, LOADING, MASTERDOWN, READONLY, ...). */
    record Transient(String reply) implements Outcome {
    }

    /** The data was refused (WRONGTYPE, BUSYKEY, OOM, a bad payload, ...): a per-key problem. */
    record DataError(String reply) implements Outcome {
    }

    /** A problem no retry fixes and no key causes (NOPERM, unknown command): the writer stops. */
    record Fatal(String reply) implements Outcome {
    }

    Applied APPLIED = new Applied();
}
