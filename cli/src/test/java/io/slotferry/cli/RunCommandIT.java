package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/** {@code migrate run --source rdb:...} end to end, as an operator runs it, against real servers. */
@ExtendWith(RealServers.class)
class RunCommandIT {
    private static final Path CORPUS = Path.of(System.getProperty("slotferry.shared.dir", "../../shared"), "rdb-corpus");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Migrate.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] withCommand = new String[args.length + 1];
        withCommand[0] = "run";
        System.arraycopy(args, 0, withCommand, 1, args.length);
        return cl.execute(withCommand);
    }

    private String[] clusterTarget(RedisClusterFixture cluster, String... more) throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), cluster.aclPassword() + "\n", StandardCharsets.UTF_8);
        ClusterNode seed = cluster.masters().get(0);
        String[] base = {"--target", "rediss://" + cluster.aclUser() + "@" + seed.host() + ":" + seed.port(),
            "--target-cacert", cluster.caCertFile().toString(), "--target-password-file", pw.toString(),
            "--state-dir", dir.resolve("state").toString(), "--progress-interval", "PT0.2S"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void loadsACompressedRdbIntoTheTlsClusterAndExitsZero(RedisClusterFixture cluster) throws Exception {
        Path gz = dir.resolve("dump.rdb.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(CORPUS.resolve("redis-7.2.6.rdb"), o);
        }
        int code = run(clusterTarget(cluster, "--source", "rdb:" + gz));
        assertEquals(0, code, out + "\n" + err);
        Matcher m = Pattern.compile("loaded (\\d+) keys").matcher(out.toString());
        assertTrue(m.find(), out.toString());
        long total = 0;
        for (ClusterNode master : cluster.masters()) {
            try (Jedis j = cluster.jedis(master)) {
                total += j.dbSize() - j.keys("slotferry:*").size(); // the run's own bookkeeping (slotferry:ttl-grace) is not data
            }
        }
        assertEquals(Long.parseLong(m.group(1)), total, out.toString());
        assertTrue(out.toString().contains("failed 0"), out.toString());
        try (var files = Files.list(dir.resolve("state"))) {
            assertEquals(java.util.List.of("lock", "run.json", "status.json"), files.map(p -> p.getFileName().toString()).sorted()
                    .toList(), "the decompressed copy is deleted; the run identity, last status and lock file stay");
        }
        assertTrue(!err.toString().contains(cluster.aclPassword()), "the password is never printed");
    }

    @Test
    void stopsWithExitOneNamingAKeyTheTargetCannotHold(StandaloneRedis redis) {
        // Redis 7.4 hashes with field TTLs: a 7.0 target has no HPEXPIREAT, so loading them would drop the TTLs.
        int code = run("--source", "rdb:" + CORPUS.resolve("redis-7.4.1.rdb"), "--target", "redis://" + redis.host() + ":" + redis.port(),
                "--state-dir", dir.toString());
        assertEquals(1, code, out + "\n" + err);
        assertTrue(err.toString().contains("hfe"), err.toString());
    }

    @Test
    void countsKeysItCannotLoadAndGoesOnWhenToldTo(StandaloneRedis redis) {
        int code = run("--source", "rdb:" + CORPUS.resolve("redis-7.4.1.rdb"), "--target", "redis://" + redis.host() + ":" + redis.port(),
                "--state-dir", dir.toString(), "--on-data-error", "skip", "--load-mode", "rewrite");
        assertEquals(1, code, out + "\n" + err);
        Matcher m = Pattern.compile("loaded (\\d+) keys .* failed (\\d+)").matcher(out.toString());
        assertTrue(m.find(), out.toString());
        assertTrue(Long.parseLong(m.group(2)) > 0 && Long.parseLong(m.group(1)) > 50, out.toString());
        try (Jedis j = redis.jedis()) {
            assertEquals(Long.parseLong(m.group(1)), j.dbSize() - j.keys("slotferry:*").size(), "data keys, bookkeeping left out");
        }
    }

    @Test
    void aStringWhoseLzfDataIsCorruptIsLeftToTheTargetWhichRefusesItAndTheKeyIsNamed(StandaloneRedis redis) throws Exception {
        // The file load does not decompress a compressed string (only nested encodings are checked, as a target
        // without sanitize-dump-payload would accept a corrupt one): the target's RESTORE refuses it with an error.
        redis.flushAll();
        Path rdb = rdbWithACorruptLzfString();
        int code = run("--source", "rdb:" + rdb, "--target", "redis://" + redis.host() + ":" + redis.port(),
                "--state-dir", dir.resolve("stop").toString());
        assertEquals(1, code, out + "\n" + err);
        assertTrue(err.toString().contains("broken:lzf"), "the operator sees the key\n" + out + "\n" + err);
        redis.flushAll();
        code = run("--source", "rdb:" + rdb, "--target", "redis://" + redis.host() + ":" + redis.port(),
                "--state-dir", dir.resolve("skip").toString(), "--on-data-error", "skip");
        assertEquals(1, code, out + "\n" + err);
        assertTrue(out.toString().contains("failed 1") && (out.toString() + err).contains("broken:lzf"),
                "counted and named\n" + out + "\n" + err);
        try (Jedis j = redis.jedis()) {
            assertEquals("before", j.get("good:1"));
            assertEquals("after", j.get("good:2"));
            assertEquals(false, j.exists("broken:lzf"));
        }
    }

    /** An RDB 9 file (valid checksum) of three strings; the second is LZF-compressed with a back reference before its start. */
    private Path rdbWithACorruptLzfString() throws Exception {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes("REDIS0009".getBytes(StandardCharsets.US_ASCII));
        b.write(0xFE);
        b.write(0);
        for (String[] kv : new String[][] {{"good:1", "before"}, {"broken:lzf", null}, {"good:2", "after"}}) {
            b.write(0); // STRING
            b.write(kv[0].length());
            b.writeBytes(kv[0].getBytes(StandardCharsets.US_ASCII));
            if (kv[1] != null) {
                b.write(kv[1].length());
                b.writeBytes(kv[1].getBytes(StandardCharsets.US_ASCII));
            } else {
                // 0xC3 LZF: compressed length 4, length 24; literal 'a', then a 3-byte reference 100 bytes back
                b.writeBytes(new byte[] {(byte) 0xC3, 4, 24, 0, 'a', 0x20, 100});
            }
        }
        b.write(0xFF);
        long crc = io.slotferry.rdb.Crc64.of(b.toByteArray());
        for (int i = 0; i < 8; i++) {
            b.write((int) (crc >>> (8 * i)));
        }
        return Files.write(dir.resolve("corrupt-lzf.rdb"), b.toByteArray());
    }

    @Test
    void explainsAnUntrustedCertificate(RedisClusterFixture cluster) throws Exception {
        String[] args = clusterTarget(cluster, "--source", "rdb:" + CORPUS.resolve("redis-7.2.6.rdb"));
        args[2] = "--target-user"; // drop --target-cacert: the JVM's trust store does not know the fixture's CA
        args[3] = cluster.aclUser();
        int code = run(args);
        assertEquals(Migrate.EXIT_IO, code, out + "\n" + err);
        assertTrue(err.toString().contains("--target-cacert"), err.toString());
    }

    @Test
    void refusesALiveSourceWithKeysOutsideDbZeroUntilADbMapIsChosen(StandaloneRedis source, RedisClusterFixture cluster)
            throws Exception {
        source.flushAll();
        try (Jedis j = source.jedis()) {
            j.select(3);
            j.set("elsewhere", "x");
        }
        int code = run(clusterTarget(cluster, "--source", source.uri()));
        assertEquals(2, code, out + "\n" + err);
        assertTrue(err.toString().contains("db3: 1 keys") && err.toString().contains("--db-map prefix"), err.toString());
        source.flushAll();
    }

    @Test
    void refusesDeleteOwnKeysWithSeveralPlainSources(StandaloneRedis source, RedisClusterFixture cluster) throws Exception {
        source.flushAll();
        int code = run(clusterTarget(cluster, "--source", source.uri(), "--source", "redis://localhost:" + source.port(),
                "--flush", "delete-own-keys"));
        assertEquals(2, code, out + "\n" + err);
        assertTrue(err.toString().contains("--flush delete-own-keys needs to know which keys each source owns"), err.toString());
    }
}
