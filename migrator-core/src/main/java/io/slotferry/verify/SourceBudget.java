package io.slotferry.verify;

import io.slotferry.source.SourceSpec;
import io.slotferry.write.RateLimit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --max-ops} budget of one source instance, shared by every connection verify opens to
 * it (the forward pass and the reverse pass run at the same time): the limit is per source, not
 * per connection.
 */
final class SourceBudget {
    private final RateLimit limit;

    private SourceBudget(long maxOps) {
        this.limit = new RateLimit(maxOps, 0);
    }

    /** One budget per source, by name. */
    static Map<String, SourceBudget> of(List<SourceSpec.Live> sources, long maxOps) {
        Map<String, SourceBudget> out = new HashMap<>();
        for (SourceSpec.Live s : sources) {
            out.put(s.name(), new SourceBudget(maxOps));
        }
        return out;
    }

    /** Waits until one more command may go to the source (RateLimit is single-threaded: callers take turns). */
    synchronized void take() throws InterruptedException {
        limit.acquire(0);
    }
}
