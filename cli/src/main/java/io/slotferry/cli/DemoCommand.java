package io.slotferry.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code migrate demo}: the repository's demo script ({@code scripts/demo.sh}, shipped in the jar),
 * run with this very CLI: a local Twemproxy pool and TLS + ACL cluster, live traffic, a migration
 * until ready for cutover, the proof, clean-up.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run a self-contained migration on throwaway local servers.",
            "",
            "A Twemproxy (nutcracker) pool of 3",
            "redis-server backends with sample data, a 3-master + 3-replica Redis Cluster with TLS and a",
            "least-privilege ACL user, live traffic through the proxy, 'migrate run --source twemproxy:...'",
            "with its progress until ready_for_cutover, the cutover (traffic stops), a key-by-key comparison",
            "of the backends with the cluster, SIGTERM and 'migrate status'. Everything is on 127.0.0.1 and",
            "in one temporary directory, deleted at the end. Missing Debian packages (redis-server,",
            "redis-tools, nutcracker, openssl) are installed with apt-get (sudo when not root) unless",
            "--no-install. Takes a minute or a little more once the jar is built (76 s on a busy 2-core machine).",
            "",
            "Example:  migrate demo",
            ""},
        footer = {"", "Exit codes:", "  0  the demo ran and the copy is equal", "  1  a step failed (its output says which)"})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--no-install", description = "Do not install missing packages: fail naming them instead.")
    boolean noInstall;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("slotferry-demo-scripts", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        try {
            Path script = extract("demo.sh", dir);
            extract("install-deps.sh", dir);
            // The demo calls the CLI as $MIGRATE: this JVM's class path, so it runs this build.
            String self = Path.of(System.getProperty("java.home"), "bin", "java") + " -Xmx192m -cp "
                    + System.getProperty("java.class.path") + " " + Migrate.class.getName();
            ProcessBuilder pb = new ProcessBuilder(List.of("bash", script.toString())).inheritIO();
            pb.environment().put("MIGRATE", self);
            if (noInstall) {
                pb.environment().put("SLOTFERRY_NO_INSTALL", "1");
            }
            spec.commandLine().getOut().flush();
            return pb.start().waitFor() == 0 ? 0 : 1;
        } finally {
            for (String f : new String[] {"demo.sh", "install-deps.sh"}) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Path extract(String name, Path dir) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo/" + name)) {
            if (in == null) {
                throw new IOException("this build of migrate does not contain the demo script " + name);
            }
            Path out = dir.resolve(name);
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwx------"));
            return out;
        }
    }
}
