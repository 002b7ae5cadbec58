package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code migrate run --source codis:http://DASHBOARD} against a dashboard state a real Codis 3.2
 * dashboard cannot be held in: a group promoting a replica (a real dashboard passes through it in
 * milliseconds). The dashboard here is an HTTP server answering {@code /topom} in Codis 3.2's shape,
 * with a real redis-server as the group's master. Everything a real dashboard can show is tested
 * against one in {@link CodisRealIT}.
 */
@ExtendWith(RealServers.class)
class CodisMigrationIT {
    @TempDir
    Path dir;

    private HttpServer dashboard;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private String startDashboard(StandaloneRedis master, String promoting) throws Exception {
        String topom = """
                {"version":"3.2.2","config":{"product_name":"codis-demo"},"model":{"product_name":"codis-demo"},
                 "stats":{"closed":false,"slots":[{"id":0,"group_id":1,"action":{}}],
                  "group":{"models":[{"id":1,"servers":[{"server":"%s:%d","datacenter":"","action":{},"replica_group":false}],
                    "promoting":{%s},"out_of_sync":false}],"stats":{}},
                  "proxy":{"models":[],"stats":{}},
                  "slot_action":{"interval":0,"disabled":false,"progress":{"status":""},"executor":0}}}
                """.formatted(master.host(), master.port(), promoting);
        dashboard = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        dashboard.createContext("/topom", x -> {
            byte[] b = topom.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        dashboard.createContext("/api/topom/", x -> {
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

    @Test
    void refusesToStartWhileAGroupIsPromotingAReplica(StandaloneRedis master, RedisClusterFixture cluster) throws Exception {
        String source = startDashboard(master, "\"index\":1,\"state\":\"preparing\"");
        StringWriter err = new StringWriter();
        CommandLine cl = Migrate.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        Path pw = Files.writeString(dir.resolve("pw"), cluster.aclPassword(), StandardCharsets.UTF_8);
        ClusterNode seed = cluster.masters().get(0);
        String[] args = {"run", "--source", source, "--codis-freeze-migrations",
            "--target", "rediss://" + cluster.aclUser() + "@" + seed.host() + ":" + seed.port(),
            "--target-cacert", cluster.caCertFile().toString(), "--target-password-file", pw.toString(),
            "--state-dir", dir.resolve("state").toString()};
        assertEquals(1, cl.execute(args), err.toString());
        assertTrue(err.toString().contains("group 1 is promoting a replica (state preparing)"), err.toString());
        assertTrue(calls.isEmpty(), "nothing was paused: " + calls);
    }
}
