package io.slotferry.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwemproxyTest {
    @TempDir
    Path dir;

    private Path yml(String text) throws Exception {
        return Files.writeString(dir.resolve("nutcracker.yml"), text, StandardCharsets.UTF_8);
    }

    @Test
    void readsEveryServerOfEveryRedisPoolWithItsName() throws Exception {
        Path f = yml("""
                alpha:
                  listen: 127.0.0.1:22121
                  hash: fnv1a_64
                  distribution: ketama
                  redis: true
                  servers:
                   - 10.0.0.1:6379:1 shard0
                   - 10.0.0.2:6380:2 shard1
                beta:
                  listen: 127.0.0.1:22122
                  redis: true
                  servers:
                   - 10.0.0.3:6379:1
                """);
        List<Twemproxy.Server> servers = Twemproxy.servers(f, null);
        assertEquals(List.of(new Twemproxy.Server("alpha", "shard0", "10.0.0.1", 6379, 1),
                new Twemproxy.Server("alpha", "shard1", "10.0.0.2", 6380, 2),
                new Twemproxy.Server("beta", "10.0.0.3:6379", "10.0.0.3", 6379, 1)), servers);
        assertEquals("twemproxy:alpha/shard1", servers.get(1).identity());
        assertEquals(1, Twemproxy.servers(f, "beta").size());
    }

    @Test
    void aPoolsRedisAuthIsItsBackendsPassword() throws Exception {
        Path f = yml("alpha:\n  redis: true\n  redis_auth: s3cret\n  servers:\n   - 10.0.0.1:6379:1 a\n");
        Twemproxy.Server s = Twemproxy.servers(f, null).get(0);
        assertEquals("s3cret", s.auth());
        assertTrue(!s.toString().contains("s3cret"), "never printed: " + s);
    }

    @Test
    void namesThePoolsWhenTheAskedOneIsMissing() throws Exception {
        Path f = yml("alpha:\n  redis: true\n  servers:\n   - 10.0.0.1:6379:1 a\n");
        DiscoveryException e = assertThrows(DiscoveryException.class, () -> Twemproxy.servers(f, "gamma"));
        assertTrue(e.getMessage().contains("no pool 'gamma'") && e.getMessage().contains("[alpha]"), e.getMessage());
    }

    @Test
    void refusesAMemcachedPool() throws Exception {
        Path f = yml("cache:\n  servers:\n   - 10.0.0.1:11211:1\n");
        DiscoveryException e = assertThrows(DiscoveryException.class, () -> Twemproxy.servers(f, null));
        assertTrue(e.getMessage().contains("memcached"), e.getMessage());
    }

    @Test
    void refusesAUnixSocketServerAndAMalformedLine() throws Exception {
        Path socket = yml("alpha:\n  redis: true\n  servers:\n   - /tmp/redis.sock:1 a\n");
        assertTrue(assertThrows(DiscoveryException.class, () -> Twemproxy.servers(socket, null)).getMessage().contains("UNIX socket"));
        Path bad = yml("alpha:\n  redis: true\n  servers:\n   - 10.0.0.1:6379\n");
        assertTrue(assertThrows(DiscoveryException.class, () -> Twemproxy.servers(bad, null)).getMessage()
                .contains("host:port:weight"));
    }
}
