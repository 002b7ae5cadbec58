package io.slotferry.checkpoint;

import java.util.List;

/**
 * What a state directory belongs to: the source instances (by name, in order) and the target. A
 * restart with other sources or another target must not resume these checkpoints.
 */
public record RunIdentity(List<String> sources, String target) {
    public RunIdentity {
        sources = List.copyOf(sources);
    }
}
