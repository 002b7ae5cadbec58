package io.slotferry.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Codis 3.x dashboard ({@code codis-dashboard}), read through its HTTP API: {@code GET /topom}
 * gives the groups (first server the master, the others its replicas), the slot mapping with any
 * pending slot action, and whether slot actions are disabled. It can also pause and resume slot
 * actions ({@code PUT /api/topom/slots/action/disabled/XAUTH/1|0}, XAUTH derived from the product
 * name), so no slot moves between groups while their data is copied.
 */
public final class CodisDashboard {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A Codis group: {@code servers.get(0)} is its master. */
    public record Group(int id, List<String> servers, String promoting, boolean outOfSync) {
        public Group {
            servers = List.copyOf(servers);
        }
    }

    /** What {@code /topom} says, reduced to what a migration checks. */
    public record Overview(String productName, List<Group> groups, List<Integer> slotsWithAction,
            boolean slotActionsDisabled, boolean closed) {
        public Overview {
            groups = List.copyOf(groups);
            slotsWithAction = List.copyOf(slotsWithAction);
        }

        /**
         * Why a migration must not start now, or null when it may: a slot migration pending or running
         * (its keys are moving between groups), a group promoting a replica or out of sync, a closed dashboard.
         */
        public String unsafeToStart() {
            if (closed) {
                return "the dashboard is closed (shutting down)";
            }
            if (!slotsWithAction.isEmpty()) {
                return slotsWithAction.size() + " slot(s) have a pending or running slot action (first: slot "
                        + slotsWithAction.get(0) + "); wait until the slot migration finishes, or remove the pending actions"
                        + " (codis-admin --dashboard=ADDR --slot-action --remove --sid=" + slotsWithAction.get(0)
                        + "), then start again";
            }
            for (Group g : groups) {
                if (!g.promoting().isEmpty()) {
                    return "group " + g.id() + " is promoting a replica (state " + g.promoting() + "); finish the promotion first";
                }
                if (g.outOfSync()) {
                    return "group " + g.id() + " is out of sync (its slots were reassigned and the proxies not yet told);"
                            + " resync it first (codis-admin --dashboard=ADDR --resync-group --gid=" + g.id() + ")";
                }
                if (g.servers().isEmpty()) {
                    return "group " + g.id() + " has no server";
                }
            }
            return null;
        }
    }

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    public CodisDashboard(URI base, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public URI base() {
        return base;
    }

    /** {@code GET /topom}. */
    public Overview overview() throws IOException {
        JsonNode root = JSON.readTree(get("/topom"));
        String product = root.path("model").path("product_name").asText(root.path("config").path("product_name").asText(""));
        JsonNode stats = root.path("stats");
        if (stats.isMissingNode()) {
            throw new DiscoveryException(base + "/topom has no 'stats' section: is this a Codis 3 dashboard?");
        }
        List<Group> groups = new ArrayList<>();
        for (JsonNode g : stats.path("group").path("models")) {
            List<String> servers = new ArrayList<>();
            for (JsonNode s : g.path("servers")) {
                servers.add(s.path("server").asText(s.path("addr").asText()));
            }
            groups.add(new Group(g.path("id").asInt(), servers, g.path("promoting").path("state").asText(""),
                    g.path("out_of_sync").asBoolean(false)));
        }
        List<Integer> pending = new ArrayList<>();
        for (JsonNode s : stats.path("slots")) {
            if (!s.path("action").path("state").asText("").isEmpty()) {
                pending.add(s.path("id").asInt());
            }
        }
        return new Overview(product, groups, pending, stats.path("slot_action").path("disabled").asBoolean(false),
                stats.path("closed").asBoolean(false));
    }

    /**
     * Pauses ({@code true}) or resumes slot actions. The dashboard's API token depends on the product
     * name only (see {@link #xauth}); the product auth is not part of it.
     */
    public void setSlotActionsDisabled(String productName, boolean disabled) throws IOException {
        String path = "/api/topom/slots/action/disabled/" + xauth(productName) + "/" + (disabled ? 1 : 0);
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .PUT(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> r = send(request);
        if (r.statusCode() != 200) {
            throw new DiscoveryException("the dashboard refused to " + (disabled ? "pause" : "resume") + " slot actions (HTTP "
                    + r.statusCode() + ": " + r.body().strip() + "); its token was derived from product name '" + productName
                    + "' as Codis 3.2's dashboard does (other Codis versions may differ)");
        }
    }

    /**
     * The Codis 3.2 dashboard's API token: hex of the first 16 bytes of SHA-256 over
     * {@code Codis-XAuth-[NAME]}. Codis' {@code rpc.NewXAuth(segs...)} writes {@code Codis-XAuth}
     * then {@code -[SEG]} per segment, and the dashboard ({@code pkg/topom/topom.go}) calls it with
     * the product name alone; only a proxy's token also takes the product auth and the proxy's own
     * token ({@code NewXAuth(name, auth, token)}), which this client never calls.
     */
    static String xauth(String productName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("Codis-XAuth-[" + productName + "]").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private String get(String path) throws IOException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build());
        if (r.statusCode() != 200) {
            throw new DiscoveryException("GET " + base.resolve(path) + " answered HTTP " + r.statusCode());
        }
        return r.body();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DiscoveryException("interrupted while asking the Codis dashboard " + base, e);
        } catch (IOException e) {
            throw new DiscoveryException("cannot reach the Codis dashboard " + base + ": " + e, e);
        }
    }
}
