package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigFileTest {
    @TempDir
    Path dir;

    private RunCommand parseRun(String yaml, String... args) throws Exception {
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, yaml);
        CommandLine cl = Migrate.commandLine();
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = file.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        cl.parseArgs(ConfigFile.install(cl, all));
        return cl.getSubcommands().get("run").getCommand();
    }

    @Test
    void everyLongOptionCanComeFromTheFileAndTheCommandLineOverridesIt() throws Exception {
        RunCommand run = parseRun("""
                source: twemproxy:/etc/slotferry/nutcracker.yml
                target: rediss://slotferry@cache.example.com:6379
                state-dir: /var/lib/slotferry
                run:
                  shard: 1/4
                  instances: [ "codis:p/group-1", "codis:p/group-2" ]
                  metrics-port: 9187
                  metrics-bind: 0.0.0.0
                  codis-freeze-migrations: true
                  lease-ttl: PT20S
                """, "run", "--state-dir", "/tmp/override");
        assertEquals(List.of("twemproxy:/etc/slotferry/nutcracker.yml"), run.fleetOptions.sources);
        assertEquals(Path.of("/tmp/override"), run.stateDir, "the command line wins");
        assertEquals("1/4", run.deployment.shard);
        assertEquals(List.of("codis:p/group-1", "codis:p/group-2"), run.deployment.instances);
        assertEquals(9187, run.metricsPort);
        assertEquals("0.0.0.0", run.deployment.metricsBind);
        assertTrue(run.codisFreeze);
        assertEquals(Duration.ofSeconds(20), run.deployment.leaseTtl);
    }

    @Test
    void aRepeatableOptionTakesAListWhichTheCommandLineReplacesWhole() throws Exception {
        String yaml = """
                source: [ "redis://10.0.0.1:6379", "redis://10.0.0.2:6379" ]
                target: rediss://slotferry@cache.example.com:6379
                run:
                  include: [ "user:*", "re:session:[0-9]+" ]
                  exclude: [ "user:*:cache" ]
                """;
        RunCommand run = parseRun(yaml, "run");
        assertEquals(List.of("redis://10.0.0.1:6379", "redis://10.0.0.2:6379"), run.fleetOptions.sources);
        assertEquals(List.of("user:*", "re:session:[0-9]+"), run.filters.include);
        assertEquals(List.of("user:*:cache"), run.filters.exclude);

        run = parseRun(yaml, "run", "--include=order:*", "--source", "redis://10.0.0.3:6379");
        assertEquals(List.of("redis://10.0.0.3:6379"), run.fleetOptions.sources, "the command line wins, list and all");
        assertEquals(List.of("order:*"), run.filters.include);
        assertEquals(List.of("user:*:cache"), run.filters.exclude);
    }

    @Test
    void aListForAnOptionThatTakesOneValueIsRefused() {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> parseRun("run:\n  state-dir: [ /a, /b ]\n", "run"));
        assertTrue(e.getMessage().contains("'state-dir' takes one value"), e.getMessage());
    }

    @Test
    void aSecretInTheFileIsRefused() {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> parseRun("target-password: hunter2\n", "run"));
        assertTrue(e.getMessage().contains("'target-password' looks like a secret") && !e.getMessage().contains("hunter2"),
                e.getMessage());
    }

    @Test
    void aKeyThatIsNoOptionIsRefusedWithTheCommandItWasMeantFor() {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> parseRun("run:\n  shards: 1/2\n", "run"));
        assertTrue(e.getMessage().contains("'shards' is not a long option of 'migrate run'"), e.getMessage());
    }
}
