package io.slotferry.source;

import java.util.List;

/**
 * Every source instance of a run, discovered from the {@code --source} values, and the Codis
 * dashboards they came from (checked before the run, paused during it when asked).
 */
public record Fleet(List<SourceSpec> sources, List<CodisDashboard> dashboards) {
    public Fleet {
        sources = List.copyOf(sources);
        dashboards = List.copyOf(dashboards);
    }

    /** The instances' names, in order: the identity of a run's state directory. */
    public List<String> names() {
        return sources.stream().map(SourceSpec::name).toList();
    }
}
