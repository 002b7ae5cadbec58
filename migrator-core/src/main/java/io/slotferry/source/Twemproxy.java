package io.slotferry.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The backends of a Twemproxy ({@code nutcracker}) deployment, read from its {@code nutcracker.yml}:
 * every pool is a map whose {@code servers} list holds {@code host:port:weight [name]}. Each backend
 * is a source instance of its own; the proxy itself cannot replicate.
 */
public final class Twemproxy {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * One backend line of a pool.
     *
     * @param auth the pool's {@code redis_auth} (the backends' password), or null when it has none
     */
    public record Server(String pool, String name, String host, int port, int weight, String auth) {
        /** A server of a pool without {@code redis_auth}. */
        public Server(String pool, String name, String host, int port, int weight) {
            this(pool, name, host, port, weight, null);
        }

        @Override
        public String toString() {
            return "Server[" + identity() + " " + host + ":" + port + " weight " + weight + (auth != null ? ", redis_auth set" : "") + "]";
        }

        /** The instance's identity in a run: {@code twemproxy:POOL/NAME}. */
        public String identity() {
            return "twemproxy:" + pool + "/" + name;
        }
    }

    private Twemproxy() {
    }

    /**
     * The backends of every pool, or of {@code pool} only when it is not null.
     *
     * @throws DiscoveryException for a file that is not a nutcracker.yml, a memcached pool, a UNIX socket
     *                            server, or a pool that does not exist
     */
    public static List<Server> servers(Path yml, String pool) throws IOException {
        JsonNode root;
        try {
            root = YAML.readTree(yml.toFile());
        } catch (IOException e) {
            throw new DiscoveryException("cannot read " + yml + " as YAML: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new DiscoveryException(yml + " is not a nutcracker.yml: it should map pool names to pool settings");
        }
        List<Server> out = new ArrayList<>();
        List<String> pools = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            pools.add(p.getKey());
            if (pool != null && !pool.equals(p.getKey())) {
                continue;
            }
            JsonNode settings = p.getValue();
            if (!settings.path("redis").asBoolean(false)) {
                throw new DiscoveryException("pool " + p.getKey() + " of " + yml + " is a memcached pool (redis: true is not set);"
                        + " only Redis pools can be migrated (select one with twemproxy:" + yml + "#POOL)");
            }
            JsonNode servers = settings.path("servers");
            if (!servers.isArray() || servers.isEmpty()) {
                throw new DiscoveryException("pool " + p.getKey() + " of " + yml + " lists no servers");
            }
            String auth = settings.hasNonNull("redis_auth") ? settings.get("redis_auth").asText() : null;
            for (JsonNode s : servers) {
                Server parsed = server(p.getKey(), s.asText(), yml);
                out.add(auth == null ? parsed : new Server(parsed.pool(), parsed.name(), parsed.host(), parsed.port(), parsed.weight(), auth));
            }
        }
        if (pool != null && out.isEmpty()) {
            throw new DiscoveryException(yml + " has no pool '" + pool + "' (its pools: " + pools + ")");
        }
        return out;
    }

    /** {@code host:port:weight [name]}; without a name the server is named {@code host:port}, as nutcracker does. */
    static Server server(String pool, String line, Path yml) throws DiscoveryException {
        String text = line.trim();
        String name = null;
        int space = text.indexOf(' ');
        if (space > 0) {
            name = text.substring(space + 1).trim();
            text = text.substring(0, space);
        }
        if (text.startsWith("/")) {
            throw new DiscoveryException("server '" + line + "' of pool " + pool + " in " + yml
                    + " is a UNIX socket; replicate it through a TCP address (host:port)");
        }
        int weightColon = text.lastIndexOf(':');
        int portColon = weightColon > 0 ? text.lastIndexOf(':', weightColon - 1) : -1;
        if (portColon <= 0) {
            throw new DiscoveryException("server '" + line + "' of pool " + pool + " in " + yml
                    + " is not host:port:weight [name]");
        }
        try {
            String host = text.substring(0, portColon);
            int port = Integer.parseInt(text.substring(portColon + 1, weightColon));
            int weight = Integer.parseInt(text.substring(weightColon + 1));
            return new Server(pool, name != null ? name : host + ":" + port, host, port, weight);
        } catch (NumberFormatException e) {
            throw new DiscoveryException("server '" + line + "' of pool " + pool + " in " + yml
                    + " is not host:port:weight [name]: " + e.getMessage(), e);
        }
    }
}
