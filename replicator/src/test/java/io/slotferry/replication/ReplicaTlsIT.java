package io.slotferry.replication;

import io.slotferry.resp.TlsTrust;
import io.slotferry.resp.RedisEndpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * Replication over TLS with AUTH, as from an in-transit-encrypted source: the certificate is
 * verified, and failures that retrying cannot fix (wrong password, untrusted certificate) stop the
 * replica with a clear error instead of reconnecting forever.
 */
@ExtendWith(RealServers.class)
class ReplicaTlsIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void replicatesAMasterOverVerifiedTlsWithItsPassword(RedisClusterFixture cluster, @TempDir Path spool) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (JedisCluster writer = cluster.jedisCluster()) {
                for (int i = 0; i < 300; i++) {
                    writer.set("tls:" + i, "v" + i);
                }
            }
            ClusterNode master = cluster.masters().get(0);
            long keys;
            try (Jedis jedis = cluster.jedis(master)) {
                keys = jedis.dbSize();
            }
            assertTrue(keys > 0);
            String password = cluster.password();
            RedisEndpoint source = new RedisEndpoint(master.host(), master.port(), cluster.sslSocketFactory(), null, () -> password);
            try (Replica replica = Replica.start(source, ReplicaOptions.defaults(spool))) {
                assertEquals(keys, ReplicaIT.readSnapshot(replica));
            }
        });
    }

    @Test
    void aWrongPasswordStopsTheReplicaWithoutRetrying(RedisClusterFixture cluster, @TempDir Path spool) {
        assertTimeoutPreemptively(LIMIT, () -> {
            ClusterNode master = cluster.masters().get(0);
            RedisEndpoint source = new RedisEndpoint(master.host(), master.port(), cluster.sslSocketFactory(), null, () -> "not-the-password");
            try (Replica replica = Replica.start(source, ReplicaOptions.defaults(spool))) {
                ReplicationException e = assertThrows(ReplicationException.class, replica::next);
                assertTrue(e.getMessage().contains("authentication"), e.getMessage());
                assertTrue(!e.getMessage().contains("not-the-password"), "the password is never printed");
            }
        });
    }

    @Test
    void anUntrustedCertificateStopsTheReplica(RedisClusterFixture cluster, @TempDir Path spool) {
        assertTimeoutPreemptively(LIMIT, () -> {
            ClusterNode master = cluster.masters().get(0);
            String password = cluster.password();
            RedisEndpoint source = new RedisEndpoint(master.host(), master.port(), TlsTrust.jvmDefault(), null, () -> password);
            try (Replica replica = Replica.start(source, ReplicaOptions.defaults(spool))) {
                ReplicationException e = assertThrows(ReplicationException.class, replica::next);
                assertTrue(e.getMessage().contains("TLS"), e.getMessage());
            }
        });
    }

    @Test
    void theCaOfAPemFileIsTrusted(RedisClusterFixture cluster, @TempDir Path spool) {
        assertTimeoutPreemptively(LIMIT, () -> {
            ClusterNode master = cluster.masters().get(1);
            String password = cluster.password();
            RedisEndpoint source = new RedisEndpoint(master.host(), master.port(), TlsTrust.fromPem(cluster.caCertFile()), null, () -> password);
            try (Replica replica = Replica.start(source, ReplicaOptions.defaults(spool))) {
                assertInstanceOf(ReplicationEvent.SnapshotBegin.class, replica.next());
            }
        });
    }
}
