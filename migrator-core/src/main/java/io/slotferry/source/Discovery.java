package io.slotferry.source;

import io.slotferry.replication.scan.ScanFollow;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns {@code --source} values into source instances, one worker each:
 * {@code redis://} / {@code rediss://} (one instance), {@code twemproxy:PATH[#POOL]} (every backend of
 * the nutcracker.yml, or of one pool), {@code codis:http://DASHBOARD} (the master of every group) and
 * {@code rdb:PATH} (a file), {@code scan:redis://} / {@code scan:rediss://} (one instance copied by SCAN). For Twemproxy and Codis shards a healthy replica is replicated instead of
 * the master unless {@link SyncFrom#MASTER} is asked; the instance keeps the shard's name either way.
 */
public final class Discovery {
    private static final Logger LOG = Logger.getLogger(Discovery.class.getName());

    /**
     * How to reach what is discovered.
     *
     * @param uriEndpoint  builds the endpoint of a {@code redis://} / {@code rediss://} source (the CLI holds its secrets)
     * @param backends     TLS and credentials of Twemproxy and Codis backends (its host and port are replaced)
     * @param syncFrom     replica or master
     * @param timeout      connect and HTTP timeout
     * @param scanFollow   whether {@code scan:} sources follow changes after their walk
     */
    public record Options(Function<String, RedisEndpoint> uriEndpoint, RedisEndpoint backends, SyncFrom syncFrom,
            Duration timeout, ScanFollow scanFollow) {
    }

    private Discovery() {
    }

    /** Every instance the values name, in order; refuses the same instance twice. */
    public static Fleet discover(List<String> values, Options options) throws IOException {
        List<SourceSpec> sources = new ArrayList<>();
        List<CodisDashboard> dashboards = new ArrayList<>();
        for (String v : values) {
            String lower = v.toLowerCase(Locale.ROOT);
            if (lower.startsWith("redis://") || lower.startsWith("rediss://")) {
                sources.add(new SourceSpec.Live(v, options.uriEndpoint().apply(v)));
            } else if (lower.startsWith("scan:redis://") || lower.startsWith("scan:rediss://")) {
                sources.add(new SourceSpec.Scan(v, options.uriEndpoint().apply(v.substring("scan:".length())), options.scanFollow()));
            } else if (lower.startsWith("twemproxy:")) {
                sources.addAll(twemproxy(v.substring("twemproxy:".length()), options));
            } else if (lower.startsWith("codis:")) {
                CodisDashboard d = new CodisDashboard(URI.create(v.substring("codis:".length())), options.timeout());
                sources.addAll(codis(d, options));
                dashboards.add(d);
            } else {
                sources.add(SourceSpec.parse(v));
            }
        }
        Set<String> seen = new HashSet<>();
        for (SourceSpec s : sources) {
            if (!seen.add(s.name())) {
                throw new IllegalArgumentException("source " + s.name() + " is named twice; each instance is migrated by one worker");
            }
        }
        return new Fleet(sources, dashboards);
    }

    private static List<SourceSpec> twemproxy(String value, Options options) throws IOException {
        int hash = value.indexOf('#');
        Path yml = Path.of(hash >= 0 ? value.substring(0, hash) : value);
        String pool = hash >= 0 ? value.substring(hash + 1) : null;
        List<SourceSpec> out = new ArrayList<>();
        for (Twemproxy.Server s : Twemproxy.servers(yml, pool)) {
            RedisEndpoint master = options.backends().at(s.host(), s.port());
            if (master.password() == null && s.auth() != null) {
                // No source password given: the pool's redis_auth is the backends' password.
                String auth = s.auth();
                master = new RedisEndpoint(s.host(), s.port(), master.tls(), master.user(), () -> auth, master.verifyHostname());
            }
            out.add(new SourceSpec.Live(s.identity(), syncEndpoint(s.identity(), master, replicasFromMaster(master, options), options)));
        }
        return out;
    }

    private static List<SourceSpec> codis(CodisDashboard dashboard, Options options) throws IOException {
        CodisDashboard.Overview o = dashboard.overview();
        String unsafe = o.unsafeToStart();
        if (unsafe != null) {
            throw new DiscoveryException("Codis " + dashboard.base() + " (product " + o.productName() + "): " + unsafe);
        }
        List<SourceSpec> out = new ArrayList<>();
        for (CodisDashboard.Group g : o.groups()) {
            String name = "codis:" + o.productName() + "/group-" + g.id();
            RedisEndpoint master = endpoint(options.backends(), g.servers().get(0));
            Map<String, String> role = info(master, options);
            if (!"master".equals(role.get("role"))) {
                throw new DiscoveryException(name + ": the dashboard names " + g.servers().get(0) + " its master, but that server"
                        + " says role:" + role.get("role") + "; the group is out of sync with the dashboard");
            }
            List<RedisEndpoint> replicas = new ArrayList<>();
            for (String r : g.servers().subList(1, g.servers().size())) {
                replicas.add(endpoint(options.backends(), r));
            }
            out.add(new SourceSpec.Live(name, syncEndpoint(name, master, replicas, options)));
        }
        if (out.isEmpty()) {
            throw new DiscoveryException("Codis " + dashboard.base() + " has no group");
        }
        return out;
    }

    /** The master's own view of its replicas ({@code slaveN:ip=...,port=...,state=online}). */
    private static List<RedisEndpoint> replicasFromMaster(RedisEndpoint master, Options options) throws IOException {
        List<RedisEndpoint> out = new ArrayList<>();
        if (options.syncFrom() == SyncFrom.MASTER) {
            return out;
        }
        for (Map.Entry<String, String> e : info(master, options).entrySet()) {
            if (!e.getKey().matches("slave\\d+")) {
                continue;
            }
            String ip = null;
            int port = -1;
            boolean online = false;
            for (String part : e.getValue().split(",")) {
                int eq = part.indexOf('=');
                String k = eq < 0 ? part : part.substring(0, eq);
                String val = eq < 0 ? "" : part.substring(eq + 1);
                if (k.equals("ip")) {
                    ip = val;
                } else if (k.equals("port")) {
                    port = Integer.parseInt(val);
                } else if (k.equals("state")) {
                    online = val.equals("online");
                }
            }
            if (ip != null && port > 0 && online) {
                out.add(master.at(ip, port));
            }
        }
        return out;
    }

    /** The first replica that answers with its master link up and no sync in progress; the master otherwise. */
    private static RedisEndpoint syncEndpoint(String name, RedisEndpoint master, List<RedisEndpoint> replicas, Options options) {
        if (options.syncFrom() == SyncFrom.MASTER) {
            return master;
        }
        for (RedisEndpoint r : replicas) {
            try {
                Map<String, String> i = info(r, options);
                // Its master must be ours (a listed address may be anything: replication clients such as
                // this migrator announce their own ephemeral port), with the link up and no sync running.
                if ("slave".equals(i.get("role")) && "up".equals(i.get("master_link_status"))
                        && Integer.toString(master.port()).equals(i.get("master_port"))
                        && "0".equals(i.getOrDefault("master_sync_in_progress", "0"))) {
                    LOG.log(Level.INFO, "{0}: replicating from its replica {1} (--sync-from master to use the master)",
                            new Object[] {name, r});
                    return r;
                }
            } catch (IOException e) {
                // Often a replication client, not a server (a migrator lists itself with its local port).
                LOG.log(Level.FINE, "{0}: listed replica {1} does not answer ({2}); trying the next", new Object[] {name, r, e.getMessage()});
            }
        }
        return master;
    }

    private static Map<String, String> info(RedisEndpoint e, Options options) throws IOException {
        try (RedisConnection c = RedisConnection.open(e, options.timeout())) {
            return Info.read(c, "replication");
        }
    }

    private static RedisEndpoint endpoint(RedisEndpoint template, String hostPort) throws DiscoveryException {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new DiscoveryException("Codis server '" + hostPort + "' is not host:port");
        }
        return template.at(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
