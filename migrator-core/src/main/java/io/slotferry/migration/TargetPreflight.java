package io.slotferry.migration;

import io.slotferry.metrics.ByteCount;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.routing.ClusterTopology;
import io.slotferry.routing.SlotTable;
import io.slotferry.source.Info;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The target's part of {@link Preflight}: reachable (TLS verified, AUTH accepted), cluster state and
 * slot coverage, free memory of each primary against its share of the slots, and the ACL user's
 * permission for every command the run sends ({@code ACL DRYRUN}).
 */
final class TargetPreflight {
    /** Commands the run sends to the target, with arguments of the shape it uses, for ACL DRYRUN. */
    private static final List<List<String>> RUN_COMMANDS = List.of(
            List.of("RESTORE", "k", "0", "x", "REPLACE", "ABSTTL"), List.of("SET", "k", "v"), List.of("DEL", "k"),
            List.of("PEXPIREAT", "k", "1"), List.of("RPUSH", "k", "v"), List.of("HSET", "k", "f", "v"),
            List.of("SADD", "k", "m"), List.of("ZADD", "k", "1", "m"), List.of("XADD", "k", "1-1", "f", "v"),
            List.of("MULTI"), List.of("EXEC"), List.of("EVALSHA", "0000000000000000000000000000000000000000", "0"),
            List.of("SCRIPT", "LOAD", "return 1"), List.of("CLUSTER", "SLOTS"), List.of("INFO", "server"));

    private final Duration timeout;
    private final List<Finding> findings;

    /** Checks that add their findings to {@code findings}. */
    TargetPreflight(Duration timeout, List<Finding> findings) {
        this.timeout = timeout;
        this.findings = findings;
    }

    /** The target's checks; false when it could not be used at all. */
    boolean check(RedisEndpoint target, long sourceMemory) {
        String name = "target " + target;
        try (RedisConnection c = RedisConnection.open(target, timeout)) {
            Map<String, String> server = Info.read(c, "server");
            findings.add(Finding.ok(name, "reachable" + (target.tls() != null ? " (TLS verified)" : "")
                    + (target.password() != null ? ", AUTH accepted, " : ", ") + (server.containsKey("valkey_version")
                    ? "valkey " + server.get("valkey_version") : "redis " + server.get("redis_version"))));
            RespValue info = c.call("CLUSTER", "INFO");
            if (info instanceof RespValue.Error) {
                findings.add(Finding.ok(name, "a standalone server (no cluster): every key goes to it"));
                memory(name, target, sourceMemory, 1.0);
            } else {
                Map<String, String> cluster = info instanceof RespValue.Bulk b && b.bytes() != null ? Info.parse(b.text()) : Map.of();
                boolean ok = "ok".equals(cluster.get("cluster_state")) && "16384".equals(cluster.get("cluster_slots_assigned"));
                findings.add(ok ? Finding.ok(name, "cluster state ok, 16384 slots assigned, " + cluster.get("cluster_size") + " shards")
                        : Finding.fail(name, "cluster state " + cluster.get("cluster_state") + ", slots assigned "
                                + cluster.get("cluster_slots_assigned"), "fix the cluster before the run"));
                SlotTable slots = ClusterTopology.discover(c);
                int[] owned = new int[slots.primaries().size()];
                for (int s = 0; s < 16384; s++) {
                    owned[slots.primaryIndexOf(s)]++;
                }
                for (int i = 0; i < owned.length; i++) {
                    memory(name + " primary " + slots.primaries().get(i), slots.primaries().get(i), sourceMemory, owned[i] / 16384.0);
                }
            }
            permissions(c, name);
        } catch (IOException e) {
            findings.add(Finding.fail(name, "unusable: " + e.getMessage(), FailureHint.target(e)));
            return false;
        }
        return true;
    }

    private void memory(String subject, RedisEndpoint node, long sourceMemory, double share) throws IOException {
        try (RedisConnection c = RedisConnection.open(node, timeout)) {
            Map<String, String> m = Info.read(c, "memory");
            long max = Info.number(m, "maxmemory", 0);
            long used = Info.number(m, "used_memory", 0);
            long expected = (long) (sourceMemory * share);
            if (max == 0) {
                findings.add(Finding.warn(subject, "no maxmemory set: free memory cannot be checked (expects about "
                        + ByteCount.format(expected) + ")", "check the node's memory by hand"));
                return;
            }
            String what = String.format(Locale.ROOT, "expects about %s (%.0f%% of the slots) with %s free of %s", ByteCount.format(expected),
                    share * 100, ByteCount.format(max - used), ByteCount.format(max));
            findings.add(expected > max - used ? Finding.fail(subject, what, "scale the target up, or out, before the run")
                    : expected > 0.8 * (max - used) ? Finding.warn(subject, what, "little headroom: writes during the run need memory too")
                    : Finding.ok(subject, what));
        }
    }

    /** {@code ACL DRYRUN} of each command the run sends, as the target user (Redis 7.0+). */
    private void permissions(RedisConnection c, String name) throws IOException {
        RespValue who = c.call("ACL", "WHOAMI");
        if (!(who instanceof RespValue.Bulk user)) {
            findings.add(Finding.warn(name, "ACL WHOAMI refused (" + who + "): permissions cannot be dry-run",
                    "the run checks them when it starts; see docs/cli.md for the least-privilege rule set"));
            return;
        }
        List<String> refused = new ArrayList<>();
        for (List<String> command : RUN_COMMANDS) {
            List<String> argv = new ArrayList<>(List.of("ACL", "DRYRUN", user.text()));
            argv.addAll(command);
            RespValue r = c.call(argv.toArray(new String[0]));
            if (r instanceof RespValue.Error e && (e.code().equals("NOPERM") || e.message().contains("unknown subcommand"))) {
                findings.add(Finding.warn(name, "ACL DRYRUN is not available to " + user.text() + " (" + e.message() + ")",
                        "the run checks permissions when it starts; see docs/cli.md for the least-privilege rule set"));
                return;
            }
            if (r instanceof RespValue.Error || r instanceof RespValue.Bulk) {
                // DRYRUN answers +OK when permitted and a bulk (or an error) saying why not
                refused.add(String.join(" ", command.subList(0, Math.min(2, command.size()))) + ": "
                        + (r instanceof RespValue.Bulk b ? b.text() : ((RespValue.Error) r).message()));
            }
        }
        findings.add(refused.isEmpty() ? Finding.ok(name, "user " + user.text() + " may run every command the run sends")
                : Finding.fail(name, "user " + user.text() + " may not run: " + String.join("; ", refused),
                        "grant these (docs/cli.md lists the least-privilege rule set)"));
    }
}
