package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.fixture.TwemproxyFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/** {@code migrate plan} against real sources and the TLS + ACL cluster: findings, and nothing written. */
@ExtendWith(RealServers.class)
class PlanCommandIT {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();

    private int plan(RedisClusterFixture cluster, String... more) throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), cluster.aclPassword(), StandardCharsets.UTF_8);
        ClusterNode seed = cluster.masters().get(0);
        List<String> a = new ArrayList<>(List.of("plan", "--target", "rediss://" + cluster.aclUser() + "@" + seed.host() + ":" + seed.port(),
                "--target-cacert", cluster.caCertFile().toString(), "--target-password-file", pw.toString()));
        a.addAll(List.of(more));
        CommandLine cl = Migrate.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        return cl.execute(a.toArray(new String[0]));
    }

    @Test
    void checksEveryTwemproxyBackendAndTheClusterWithoutWriting(TwemproxyFixture proxy, RedisClusterFixture cluster) throws Exception {
        try (Jedis j = proxy.jedis()) {
            for (int i = 0; i < 200; i++) {
                j.set("k" + i, "v".repeat(i));
            }
        }
        assertEquals(0, plan(cluster, "--source", "twemproxy:" + proxy.configFile()), out.toString());
        String text = out.toString();
        for (int i = 0; i < TwemproxyFixture.BACKENDS; i++) {
            assertTrue(text.contains("OK   twemproxy:alpha/shard" + i), text);
        }
        assertTrue(text.contains("replication allowed (PSYNC)") && text.contains("keys per database: {0=")
                && text.contains("biggest of") && text.contains("cluster state ok, 16384 slots assigned"), text);
        assertTrue(text.contains("no FAIL: ready for 'migrate run'"), text);
        long keys = 0;
        for (ClusterNode m : cluster.masters()) {
            try (Jedis j = cluster.jedis(m)) {
                keys += j.dbSize();
            }
        }
        assertEquals(0, keys, "plan writes nothing to the target");
    }

    @Test
    void failsASourceWithKeysOutsideDbZeroUntilADbMapIsChosen(StandaloneRedis source, RedisClusterFixture cluster) throws Exception {
        try (Jedis j = source.jedis()) {
            j.select(2);
            j.set("elsewhere", "x");
        }
        assertEquals(1, plan(cluster, "--source", source.uri()), out.toString());
        assertTrue(out.toString().contains("FAIL " + source.uri() + ": keys per database: {2=1}")
                && out.toString().contains("-> a cluster has db 0 only: choose --db-map"), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, plan(cluster, "--source", source.uri(), "--db-map", "prefix"), out.toString());
    }
}
