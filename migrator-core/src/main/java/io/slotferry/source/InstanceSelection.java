package io.slotferry.source;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which of the discovered instances one process migrates: those named by {@code --instances} (names or
 * globs, {@code *} any characters, {@code ?} one), and of those the ones of {@code --shard I/N}.
 * The Codis dashboards stay with the fleet: every process checks them and joins their freeze.
 *
 * @param patterns names or globs; empty: every instance
 * @param shard    this process's part, or null: every instance
 */
public record InstanceSelection(List<String> patterns, Shard shard) {
    public InstanceSelection {
        patterns = List.copyOf(patterns);
    }

    /** Every instance. */
    public static InstanceSelection all() {
        return new InstanceSelection(List.of(), null);
    }

    /**
     * The instances of {@code fleet} selected, in fleet order.
     *
     * @throws IllegalArgumentException a pattern matches no instance, or nothing is selected at all
     */
    public Fleet select(Fleet fleet) {
        if (patterns.isEmpty() && shard == null) {
            return fleet;
        }
        List<Pattern> globs = new ArrayList<>();
        for (String p : patterns) {
            Pattern g = glob(p);
            if (fleet.names().stream().noneMatch(n -> g.matcher(n).matches())) {
                throw new IllegalArgumentException("--instances " + p + " matches none of the " + fleet.names().size()
                        + " instances discovered: " + String.join(", ", fleet.names()));
            }
            globs.add(g);
        }
        List<SourceSpec> chosen = new ArrayList<>();
        for (SourceSpec s : fleet.sources()) {
            boolean named = globs.isEmpty() || globs.stream().anyMatch(g -> g.matcher(s.name()).matches());
            if (named && (shard == null || shard.owns(s.name()))) {
                chosen.add(s);
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("--shard " + shard + " selects none of the " + fleet.names().size()
                    + " instances (" + String.join(", ", fleet.names()) + "): run fewer shards than instances");
        }
        return new Fleet(chosen, fleet.dashboards());
    }

    private static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
