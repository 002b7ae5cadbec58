package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.fixture.StandaloneRedis;
import io.slotferry.fixture.TwemproxyFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The release tarball as an operator uses it: {@code scripts/release.sh} packages the jar this build made,
 * the tarball is unpacked in a directory outside the repository, and its {@code bin/migrate} (plain
 * {@code java -jar}, no Maven) prints its version and commit and migrates a Twemproxy pool into the TLS cluster.
 */
@ExtendWith(RealServers.class)
class ReleaseTarballIT {
    @TempDir
    Path dir;

    private record Result(int exit, String output) {
    }

    private Result exec(List<String> command, Path cwd, String... env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAVEN_HOME");
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not end in 180 s");
        }
        return new Result(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void theUnpackedTarballPrintsItsVersionAndCommitAndMigratesATwemproxyPoolWithoutMaven(TwemproxyFixture proxy,
            RedisClusterFixture cluster) throws Exception {
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        Path jar = repo.resolve("cli/target/migrate.jar");
        assertTrue(Files.isRegularFile(jar), "the package phase built " + jar);
        Result built = exec(List.of("bash", repo.resolve("scripts/release.sh").toString(), "--jar", jar.toString(),
                dir.resolve("dist").toString()), repo);
        assertEquals(0, built.exit(), built.output());
        Path tarball;
        try (var files = Files.list(dir.resolve("dist"))) {
            tarball = files.filter(f -> f.getFileName().toString().matches("slotferry-.+\\.tar\\.gz")).findFirst().orElseThrow();
        }
        Path unpacked = dir.resolve("opt");
        Files.createDirectories(unpacked);
        assertEquals(0, exec(List.of("tar", "-xzf", tarball.toString()), unpacked).exit());
        String name = tarball.getFileName().toString().replace(".tar.gz", "");
        Path home = unpacked.resolve(name);
        for (String f : List.of("bin/migrate", "lib/migrate.jar", "README.md", "docs/running.md", "docs/deploy.md")) {
            assertTrue(Files.exists(home.resolve(f)), f + " in the tarball");
        }

        Result version = exec(List.of(home.resolve("bin/migrate").toString(), "--version"), unpacked);
        assertEquals(0, version.exit(), version.output());
        String v = name.substring("slotferry-".length());
        assertTrue(version.output().startsWith("slotferry migrate " + v + " (commit "), version.output());

        try (Jedis j = proxy.jedis()) {
            for (int i = 0; i < 300; i++) {
                j.set("tar:" + i, "v" + i);
            }
        }
        ClusterNode seed = cluster.masters().get(0);
        Result run = exec(List.of(home.resolve("bin/migrate").toString(), "run", "--source", "twemproxy:" + proxy.configFile(),
                "--target", "rediss://" + cluster.aclUser() + "@" + seed.host() + ":" + seed.port(),
                "--target-cacert", cluster.caCertFile().toString(), "--state-dir", dir.resolve("state").toString(),
                "--snapshot-only"), unpacked, "MIGRATE_TARGET_PASSWORD", cluster.aclPassword());
        assertEquals(0, run.exit(), run.output());
        List<Jedis> backends = new ArrayList<>();
        for (StandaloneRedis b : proxy.backends()) {
            backends.add(b.jedis());
        }
        assertEquals(List.of(), KeyspaceView.differences(KeyspaceView.ofClosing(backends), KeyspaceView.ofCluster(cluster), 1500));
    }
}
