package io.slotferry.cli.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.cli.Migrate;
import io.slotferry.fixture.Dataset;
import io.slotferry.fixture.RealServers;
import io.slotferry.fixture.StandaloneRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/**
 * Acceptance: {@code migrate rdb dump redis://HOST:PORT} (a snapshot over the replication protocol)
 * prints the same JSON lines as dumping that server's saved RDB file.
 */
@ExtendWith(RealServers.class)
class LiveSourceDumpIT {

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cl = Migrate.commandLine();
            cl.setErr(new PrintWriter(err, true));
            int exit = cl.execute(args);
            assertEquals(0, exit, err.toString());
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            System.setOut(old);
        }
    }

    /** Keys come in server iteration order, which may differ between two snapshots: compare as sets of lines. */
    private static List<String> sorted(String jsonl) {
        return jsonl.lines().sorted().collect(Collectors.toList());
    }

    @Test
    void dumpOfALiveSourceEqualsDumpOfItsSavedRdb(StandaloneRedis redis, @TempDir Path dir) throws Exception {
        try (Jedis jedis = redis.jedis()) {
            new Dataset(99L).writeDatabases(jedis);
            jedis.configSet("repl-diskless-sync-delay", "0");
            Path saved = redis.save();
            String fromFile = run("rdb", "dump", saved.toString());
            String fromLive = run("rdb", "dump", "redis://" + redis.host() + ":" + redis.port());
            assertTrue(fromFile.lines().count() > 500);
            assertEquals(sorted(fromFile), sorted(fromLive));
            // Disk-based transfer too.
            jedis.configSet("repl-diskless-sync", "no");
            try {
                assertEquals(sorted(fromFile), sorted(run("rdb", "dump", "redis://" + redis.host() + ":" + redis.port())));
            } finally {
                jedis.configSet("repl-diskless-sync", "yes");
            }
            String inspect = run("rdb", "inspect", "redis://" + redis.host() + ":" + redis.port());
            assertTrue(inspect.contains("repl-id = "), "a replication snapshot carries the replication AUX fields");
        }
    }
}
