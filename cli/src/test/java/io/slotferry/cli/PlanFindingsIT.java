package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Each {@code migrate plan} finding that needs a server in a particular state, forced and asserted with its level
 * and its advice: a backlog too small for the write rate, a replica output buffer the snapshot would overflow, a
 * target without room for the data, a target user missing a permission (ACL DRYRUN), a Codis dashboard with a
 * pending slot action (the HTTP stand-in: a real dashboard is in CodisRealIT), a target with room for what the
 * key filters keep only.
 */
@ExtendWith(RealServers.class)
class PlanFindingsIT {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();

    private int plan(String... args) {
        List<String> a = new ArrayList<>(List.of("plan"));
        a.addAll(List.of(args));
        CommandLine cl = Migrate.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        return cl.execute(a.toArray(new String[0]));
    }

    /** The finding line of {@code level} whose text matches {@code what}, followed by its advice line. */
    private void assertFinding(String level, String what, String advice) {
        String text = out.toString();
        Pattern p = Pattern.compile("(?m)^" + Pattern.quote(level) + " +[^\\n]*" + what + "[^\\n]*\\n +-> " + Pattern.quote(advice));
        assertTrue(p.matcher(text).find(), level + " /" + what + "/ -> " + advice + " in:\n" + text);
    }

    /** Writes to {@code source} until {@code writing} turns false. */
    private static Thread writer(StandaloneRedis source, AtomicBoolean writing) {
        Thread t = new Thread(() -> {
            try (Jedis j = source.jedis()) {
                while (writing.get()) {
                    Pipeline p = j.pipelined();
                    for (int i = 0; i < 100; i++) {
                        p.set("w" + i, "x".repeat(2000));
                    }
                    p.sync();
                }
            }
        });
        t.start();
        return t;
    }

    @Test
    void aBacklogSmallerThanFiveMinutesOfWritesWarnsAndATinyReplicaBufferFails() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        try (StandaloneRedis source = StandaloneRedis.start(); StandaloneRedis target = StandaloneRedis.start()) {
            source.keepBacklog(); // master_repl_offset moves: the write rate can be measured
            try (Jedis j = source.jedis()) {
                j.configSet("repl-backlog-size", "16384");
                j.configSet("client-output-buffer-limit", "replica 1024 1024 60");
            }
            Thread w = writer(source, writing);
            try {
                plan("--source", source.uri(), "--target", target.uri());
            } finally {
                writing.set(false);
                w.join();
            }
            assertFinding("WARN", "backlog 16(\\.0)? ?Ki?B holds 0 s of writes",
                    "a run stopped longer than that restarts with a new snapshot: CONFIG SET repl-backlog-size");
            assertFinding("FAIL", "of writes pile up meanwhile \\(replica buffer limit hard 1(\\.0)? ?Ki?B",
                    "the source would drop the replica mid-snapshot: CONFIG SET client-output-buffer-limit \"replica");
        }
    }

    @Test
    void aTargetWithoutRoomForTheSourcesDataFails() throws Exception {
        try (StandaloneRedis source = StandaloneRedis.start(); StandaloneRedis target = StandaloneRedis.start()) {
            try (Jedis s = source.jedis(); Jedis t = target.jedis()) {
                Pipeline p = s.pipelined();
                for (int i = 0; i < 4000; i++) {
                    p.set("k" + i, "v".repeat(1000));
                }
                p.sync();
                long used = Long.parseLong(t.info("memory").replaceAll("(?s).*\\bused_memory:(\\d+).*", "$1"));
                t.configSet("maxmemory", Long.toString(used + 100_000));
            }
            assertEquals(1, plan("--source", source.uri(), "--target", target.uri()), out.toString());
            assertFinding("FAIL", "expects about [^\\n]* \\(100% of the slots\\) with [^\\n]* free of",
                    "scale the target up, or out, before the run");
        }
    }

    @Test
    void theTargetIsCheckedForTheShareOfTheSourceTheFiltersKeep() throws Exception {
        try (StandaloneRedis source = StandaloneRedis.start(); StandaloneRedis target = StandaloneRedis.start()) {
            try (Jedis s = source.jedis(); Jedis t = target.jedis()) {
                java.util.Random random = new java.util.Random(20261207);
                Pipeline p = s.pipelined();
                for (int i = 0; i < 5000; i++) { // a fifth kept strings, the rest left out by name or by type
                    int kind = random.nextInt(10);
                    String value = "v".repeat(900 + random.nextInt(200));
                    if (kind < 2) {
                        p.set("keep:" + i, value);
                    } else if (kind < 3) {
                        p.hset("keep:" + i, java.util.Map.of("f", value));
                    } else {
                        p.set("drop:" + i, value);
                    }
                }
                p.sync();
                long used = Long.parseLong(t.info("memory").replaceAll("(?s).*\\bused_memory:(\\d+).*", "$1"));
                t.configSet("maxmemory", Long.toString(used + 3_000_000));
            }
            assertEquals(1, plan("--source", source.uri(), "--target", target.uri()), out.toString());
            assertFinding("FAIL", "expects about [^\\n]* \\(100% of the slots\\) with [^\\n]* free of",
                    "scale the target up, or out, before the run");

            out.getBuffer().setLength(0);
            assertEquals(0, plan("--source", source.uri(), "--target", target.uri(), "--include", "keep:*", "--types", "string"),
                    out.toString());
            java.util.regex.Matcher m = Pattern.compile("(?m)^OK +[^\\n]*: the filters \\(--include 'keep:\\*' --types string\\) keep"
                    + " (\\d+) of 2000 sampled keys of db 0 \\(([0-9.]+) % of their memory\\): the target is checked for about")
                    .matcher(out.toString());
            assertTrue(m.find(), out.toString());
            double percent = Double.parseDouble(m.group(2));
            assertTrue(percent > 14 && percent < 26, "about a fifth of the sampled memory is kept: " + percent);
        }
    }

    @Test
    void aTargetUserMissingAPermissionFailsNamingTheCommand() throws Exception {
        try (StandaloneRedis source = StandaloneRedis.start(); StandaloneRedis target = StandaloneRedis.start()) {
            try (Jedis t = target.jedis()) {
                t.aclSetUser("planner", "on", ">secret-pw", "~*", "&*", "+@all", "-restore");
            }
            Path pw = Files.writeString(dir.resolve("pw"), "secret-pw", StandardCharsets.UTF_8);
            assertEquals(1, plan("--source", source.uri(), "--target", "redis://planner@" + target.host() + ":" + target.port(),
                    "--target-password-file", pw.toString()), out.toString());
            assertFinding("FAIL", "user planner may not run: RESTORE k: ", "grant these (docs/cli.md lists the least-privilege rule set)");
            assertTrue(!out.toString().contains("secret-pw"), "the password is never printed");
        }
    }

    @Test
    void aScanSourceWarnsItsCopyIsNotExactSaysWhetherChangesAreFollowedAndFailsWithoutDump() throws Exception {
        try (StandaloneRedis source = StandaloneRedis.start(); StandaloneRedis target = StandaloneRedis.start()) {
            try (Jedis s = source.jedis()) {
                s.set("k", "v");
                s.aclSetUser("copier", "on", ">copier-pw", "~*", "&*", "+@all", "-sync", "-psync", "-replconf");
                s.aclSetUser("nodump", "on", ">copier-pw", "~*", "&*", "+@all", "-dump");
            }
            Path pw = Files.writeString(dir.resolve("pw"), "copier-pw", StandardCharsets.UTF_8);
            String scan = "scan:redis://copier@" + source.host() + ":" + source.port();
            assertEquals(0, plan("--source", scan, "--source-password-file", pw.toString(), "--target", target.uri()),
                    out.toString());
            assertTrue(Pattern.compile("(?m)^OK +" + Pattern.quote(scan + ": the user may run SCAN, DUMP and PTTL") + "$")
                    .matcher(out.toString()).find(), out.toString());
            assertFinding("WARN", Pattern.quote(scan) + ": a SCAN copy is not exact under concurrent writes: ",
                    "stop the writers, let the copy catch up (or run again), then migrate verify; the run never reports"
                            + " ready_for_cutover");
            assertFinding("WARN", Pattern.quote(scan) + ": changes after the walk are not followed: notify-keyspace-events is \"\"",
                    "for a one-off copy of data nobody writes that is fine; to follow changes, the operator sets"
                            + " notify-keyspace-events AE on the source (slotferry never does)");
            assertTrue(!out.toString().contains("replication allowed"), "a scan source is not asked to replicate");
            try (Jedis s = source.jedis()) {
                s.configSet("notify-keyspace-events", "KEA");
            }
            out.getBuffer().setLength(0);
            assertEquals(0, plan("--source", scan, "--source-password-file", pw.toString(), "--target", target.uri()),
                    out.toString());
            assertTrue(out.toString().contains("OK   " + scan + ": keyspace notifications name every changed key: changes"
                    + " after the walk are followed"), out.toString());

            out.getBuffer().setLength(0);
            assertEquals(1, plan("--source", "scan:redis://nodump@" + source.host() + ":" + source.port(),
                    "--source-password-file", pw.toString(), "--target", target.uri()), out.toString());
            assertFinding("FAIL", "the user may not run DUMP \\(NOPERM", "grant them (ACL: +scan +dump +pttl +select +info; to follow"
                    + " changes +config|get +psubscribe)");
            assertTrue(!out.toString().contains("copier-pw"), "the password is never printed");
        }
    }

    @Test
    void aCodisDashboardWithAPendingSlotActionFails() throws Exception {
        try (StandaloneRedis master = StandaloneRedis.start(); StandaloneRedis target = StandaloneRedis.start()) {
            String topom = """
                    {"version":"3.2.2","config":{"product_name":"codis-demo"},"model":{"product_name":"codis-demo"},
                     "stats":{"closed":false,"slots":[{"id":0,"group_id":1,"action":{}},
                       {"id":7,"group_id":1,"action":{"index":3,"state":"pending","target_id":2}}],
                      "group":{"models":[{"id":1,"servers":[{"server":"%s:%d","datacenter":"","action":{},"replica_group":false}],
                        "promoting":{},"out_of_sync":false}],"stats":{}},
                      "proxy":{"models":[],"stats":{}},
                      "slot_action":{"interval":0,"disabled":false,"progress":{"status":""},"executor":0}}}
                    """.formatted(master.host(), master.port());
            HttpServer dashboard = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
            dashboard.createContext("/topom", x -> {
                byte[] b = topom.getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(200, b.length);
                x.getResponseBody().write(b);
                x.close();
            });
            dashboard.start();
            try {
                assertEquals(1, plan("--source", "codis:http://127.0.0.1:" + dashboard.getAddress().getPort(),
                        "--target", target.uri()), out.toString());
            } finally {
                dashboard.stop(0);
            }
            // discovery itself refuses the fleet, before the dashboard's own finding: the advice is discovery's
            assertFinding("FAIL", "sources: Codis http://127.0.0.1:[0-9]+ \\(product codis-demo\\): 1 slot\\(s\\) have a pending or"
                    + " running slot action \\(first: slot 7\\); wait until the slot migration finishes, or remove the pending"
                    + " actions \\(codis-admin --dashboard=ADDR --slot-action --remove --sid=7\\)",
                    "fix the fleet's state or the --source values");
        }
    }
}
