package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.slotferry.fixture.Await;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/**
 * {@code migrate run --source codis:http://DASHBOARD} against a real redis-server as the group's
 * master. No Codis binaries can be installed here, so the dashboard is an HTTP server answering
 * {@code /topom} in Codis 3.2's shape and recording the slot-action API calls.
 */
@ExtendWith(RealServers.class)
class CodisMigrationIT {
    @TempDir
    Path dir;

    private HttpServer dashboard;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private String startDashboard(StandaloneRedis master, String slotAction) throws Exception {
        String topom = """
                {"version":"3.2.2","config":{"product_name":"codis-demo"},"model":{"product_name":"codis-demo"},
                 "stats":{"closed":false,"slots":[{"id":0,"group_id":1,"action":{%s}}],
                  "group":{"models":[{"id":1,"servers":[{"server":"%s:%d","datacenter":"","action":{},"replica_group":false}],
                    "promoting":{},"out_of_sync":false}],"stats":{}},
                  "proxy":{"models":[],"stats":{}},
                  "slot_action":{"interval":0,"disabled":false,"progress":{"status":""},"executor":0}}}
                """.formatted(slotAction, master.host(), master.port());
        dashboard = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        dashboard.createContext("/topom", x -> {
            byte[] b = topom.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        dashboard.createContext("/api/topom/slots/action/disabled/", x -> {
            calls.add(x.getRequestMethod() + " " + x.getRequestURI().getPath());
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        dashboard.start();
        return "codis:http://127.0.0.1:" + dashboard.getAddress().getPort();
    }

    @AfterEach
    void stopDashboard() {
        if (dashboard != null) {
            dashboard.stop(0);
        }
    }

    private List<String> args(RedisClusterFixture cluster, String source, String... more) {
        ClusterNode seed = cluster.masters().get(0);
        List<String> a = new ArrayList<>(List.of("run", "--source", source,
                "--target", "rediss://" + cluster.aclUser() + "@" + seed.host() + ":" + seed.port(),
                "--target-cacert", cluster.caCertFile().toString(), "--state-dir", dir.resolve("state").toString(),
                "--status-file", dir.resolve("status.json").toString()));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void copiesEveryGroupAndPausesSlotActionsForTheRun(StandaloneRedis master, RedisClusterFixture cluster) throws Exception {
        try (Jedis j = master.jedis()) {
            for (int i = 0; i < 500; i++) {
                j.set("{mig" + i % 7 + "}:k" + i, "v" + i);
            }
            j.hset("{mig1}:bighash", Map.of("f1", "a", "f2", "b"));
            j.psetex("{mig2}:ttl", 600_000, "t");
        }
        String source = startDashboard(master, "");
        List<String> a = args(cluster, source, "--codis-freeze-migrations");
        try (MigrateProcess run = MigrateProcess.start(dir.resolve("run.log"),
                Map.of("MIGRATE_TARGET_PASSWORD", cluster.aclPassword()), a.toArray(new String[0]))) {
            ObjectMapper json = new ObjectMapper();
            Await.until("ready for cutover\n" + run.output(), Duration.ofSeconds(60), () -> {
                try {
                    Path f = dir.resolve("status.json");
                    return Files.exists(f) && json.readTree(f.toFile()).get("ready_for_cutover").asBoolean();
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            });
            try (Jedis j = master.jedis()) {
                j.set("{mig3}:late", "written while streaming");
            }
            List<Jedis> masters = new ArrayList<>();
            cluster.masters().forEach(m -> masters.add(cluster.jedis(m)));
            try (Jedis src = master.jedis()) {
                List<List<String>> diff = new ArrayList<>(List.of(List.of()));
                Await.until("target equals the group: " + diff, Duration.ofSeconds(30), () -> {
                    diff.set(0, KeyspaceView.differences(KeyspaceView.of(List.of(src)), KeyspaceView.of(masters), 1500));
                    return diff.get(0).isEmpty();
                });
            } finally {
                masters.forEach(Jedis::close);
            }
            JsonNode w = json.readTree(dir.resolve("status.json").toFile()).get("workers").get(0);
            assertEquals("codis:codis-demo/group-1", w.get("source").asText(), w.toString());
            assertEquals(0, run.terminate(10), run.output());
        }
        String xauth = "e8e291fb10559b447ced2230ee58c643"; // no product auth: MIGRATE_SOURCE_PASSWORD is not set
        assertEquals(List.of("PUT /api/topom/slots/action/disabled/" + xauth + "/1",
                "PUT /api/topom/slots/action/disabled/" + xauth + "/0"), calls, "paused for the run, resumed at its end");
    }

    @Test
    void refusesToStartWhileASlotMigrationIsPending(StandaloneRedis master, RedisClusterFixture cluster) throws Exception {
        String source = startDashboard(master, "\"index\":1,\"state\":\"migrating\",\"target_id\":2");
        StringWriter err = new StringWriter();
        CommandLine cl = Migrate.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        Path pw = Files.writeString(dir.resolve("pw"), cluster.aclPassword(), StandardCharsets.UTF_8);
        List<String> a = args(cluster, source, "--target-password-file", pw.toString());
        assertEquals(1, cl.execute(a.toArray(new String[0])), err.toString());
        assertTrue(err.toString().contains("pending or running slot action (first: slot 0)"), err.toString());
        assertTrue(calls.isEmpty(), "nothing was paused");
    }
}
