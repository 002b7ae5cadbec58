package io.slotferry.migration;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.source.Fleet;
import io.slotferry.source.InstanceIdentity;
import io.slotferry.source.SourceSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The instances of a run told apart by identity, not by name: the same server given twice (two names,
 * or a Twemproxy backend and a {@code redis://} URI) would get two workers and apply every write twice,
 * and a target node that is a source, or replicates one, would copy the run's own writes back into itself
 * without end. Each problem is one sentence naming both names.
 */
public final class InstanceOverlap {
    private InstanceOverlap() {
    }

    /**
     * Problems found (empty when none). Sources that do not answer are left to the other checks; a target seed
     * that does not answer is an IOException (the first contact with the target: nothing else would work).
     */
    public static List<String> problems(Fleet fleet, RedisEndpoint target, Duration timeout) throws IOException {
        List<InstanceIdentity> sources = new ArrayList<>();
        for (SourceSpec s : fleet.sources()) {
            RedisEndpoint endpoint = s instanceof SourceSpec.Live live ? live.endpoint()
                    : s instanceof SourceSpec.Scan scan ? scan.endpoint() : null;
            if (endpoint != null) {
                try {
                    sources.add(InstanceIdentity.read(s.name(), endpoint, timeout));
                } catch (IOException e) {
                    // unreachable or refusing INFO: reported where the source is used
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            for (int j = i + 1; j < sources.size(); j++) {
                InstanceIdentity a = sources.get(i);
                InstanceIdentity b = sources.get(j);
                if (a.sameProcess(b)) {
                    problems.add("sources " + a.name() + " and " + b.name() + " are the same Redis instance (run_id " + a.runId()
                            + "): two workers would apply each of its writes twice; give it once");
                } else if (a.sameData(b)) {
                    problems.add("sources " + a.name() + " and " + b.name() + " hold the same data (replication id " + a.replid()
                            + ": one replicates the other, or both one master): each write would be applied twice; give one of them");
                }
            }
        }
        if (sources.isEmpty()) {
            return problems;
        }
        for (InstanceIdentity node : targetNodes(target, timeout)) {
            for (InstanceIdentity s : sources) {
                if (node.sameProcess(s)) {
                    problems.add(node.name() + " is source " + s.name() + " itself (run_id " + s.runId()
                            + "): the run would replay its own writes forever; check --target and --source");
                } else if (node.sameData(s)) {
                    problems.add(node.name() + " and source " + s.name() + " replicate each other (replication id " + s.replid()
                            + "): the run's writes would come back as source writes; check --target and --source");
                }
            }
        }
        return problems;
    }

    /** The seed and, in cluster mode, every other node CLUSTER NODES lists (primaries and replicas) that answers. */
    private static List<InstanceIdentity> targetNodes(RedisEndpoint seed, Duration timeout) throws IOException {
        List<InstanceIdentity> out = new ArrayList<>();
        List<RedisEndpoint> others = new ArrayList<>();
        try (RedisConnection c = RedisConnection.open(seed, timeout)) {
            out.add(InstanceIdentity.read("target node " + seed.host() + ":" + seed.port(), c));
            RespValue r = c.call("CLUSTER", "NODES");
            if (r instanceof RespValue.Bulk b && b.bytes() != null) {
                for (String line : b.text().split("\n")) {
                    String[] f = line.trim().split(" ");
                    if (f.length < 3 || f[2].contains("fail") || f[2].contains("noaddr") || f[2].contains("myself")) {
                        continue;
                    }
                    String addr = f[1].contains("@") ? f[1].substring(0, f[1].indexOf('@')) : f[1];
                    int colon = addr.lastIndexOf(':');
                    if (colon > 0) {
                        others.add(seed.at(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1))));
                    }
                }
            }
        }
        for (RedisEndpoint n : others) {
            try {
                out.add(InstanceIdentity.read("target node " + n.host() + ":" + n.port(), n, timeout));
            } catch (IOException e) {
                // a node down: the writer's own checks deal with it
            }
        }
        return out;
    }
}
