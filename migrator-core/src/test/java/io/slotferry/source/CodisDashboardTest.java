package io.slotferry.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dashboard client against an HTTP server answering in Codis 3.2's /topom shape. */
class CodisDashboardTest {
    private HttpServer server;
    private final List<String> puts = new CopyOnWriteArrayList<>();

    private static String topom(String slotAction, String promoting, boolean outOfSync) {
        return """
                {"version":"3.2.2","compile":"2018-01-01","config":{"product_name":"codis-demo"},
                 "model":{"product_name":"codis-demo","admin_addr":"127.0.0.1:18080"},
                 "stats":{"closed":false,
                  "slots":[{"id":0,"group_id":1,"action":{}},{"id":1,"group_id":1,"action":{%s}}],
                  "group":{"models":[
                    {"id":1,"servers":[{"server":"10.0.0.1:6379","datacenter":"","action":{},"replica_group":false},
                                       {"server":"10.0.0.2:6379","datacenter":"","action":{},"replica_group":false}],
                     "promoting":{%s},"out_of_sync":%s},
                    {"id":2,"servers":[{"server":"10.0.0.3:6379","datacenter":"","action":{},"replica_group":false}],
                     "promoting":{},"out_of_sync":false}],
                   "stats":{}},
                  "proxy":{"models":[],"stats":{}},
                  "slot_action":{"interval":0,"disabled":false,"progress":{"status":""},"executor":0},
                  "sentinels":{"model":{"servers":[]},"stats":{},"masters":{}}}}
                """.formatted(slotAction, promoting, outOfSync);
    }

    private CodisDashboard serve(String body) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.createContext("/topom", x -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        server.createContext("/api/topom/slots/action/disabled/", x -> {
            puts.add(x.getRequestMethod() + " " + x.getRequestURI().getPath());
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        server.start();
        return new CodisDashboard(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void readsGroupsMastersFirstFromAQuietDashboard() throws Exception {
        CodisDashboard.Overview o = serve(topom("", "", false)).overview();
        assertEquals("codis-demo", o.productName());
        assertEquals(List.of(new CodisDashboard.Group(1, List.of("10.0.0.1:6379", "10.0.0.2:6379"), "", false),
                new CodisDashboard.Group(2, List.of("10.0.0.3:6379"), "", false)), o.groups());
        assertFalse(o.slotActionsDisabled());
        assertNull(o.unsafeToStart());
    }

    @Test
    void aPendingSlotMigrationMakesItUnsafeToStart() throws Exception {
        CodisDashboard.Overview o = serve(topom("\"index\":3,\"state\":\"pending\",\"target_id\":2", "", false)).overview();
        assertEquals(List.of(1), o.slotsWithAction());
        assertTrue(o.unsafeToStart().contains("slot 1"), o.unsafeToStart());
    }

    @Test
    void aPromotingOrOutOfSyncGroupMakesItUnsafeToStart() throws Exception {
        assertTrue(serve(topom("", "\"index\":1,\"state\":\"preparing\"", false)).overview().unsafeToStart().contains("promoting"));
        stop();
        assertTrue(serve(topom("", "", true)).overview().unsafeToStart().contains("out of sync"));
    }

    @Test
    void pausesSlotActionsWithATokenDerivedFromTheProductNameAlone() throws Exception {
        CodisDashboard d = serve(topom("", "", false));
        d.setSlotActionsDisabled("codis-demo", true);
        d.setSlotActionsDisabled("codis-demo", false);
        // Codis 3.2 pkg/utils/rpc/crypto.go NewXAuth("codis-demo") (pkg/topom/topom.go passes the product
        // name only): printf 'Codis-XAuth-[codis-demo]' | sha256sum | cut -c1-32
        assertEquals(List.of("PUT /api/topom/slots/action/disabled/95b62887719520f17e312eaa76d28f2b/1",
                "PUT /api/topom/slots/action/disabled/95b62887719520f17e312eaa76d28f2b/0"), puts);
    }

    @Test
    void theDashboardTokenMatchesCodis32ForOtherProductNames() {
        // printf 'Codis-XAuth-[%s]' NAME | sha256sum | cut -c1-32; codis-test's value is also the token a real
        // codis-admin 3.2 sent to a real dashboard of product codis-test (seen in the dashboard's API log).
        assertEquals("ba9b461f0164e303646e1752f300a622", CodisDashboard.xauth("prod"));
        assertEquals("7c13c41e2d3b3376994fd6c92be59561", CodisDashboard.xauth("codis-test"));
    }
}
