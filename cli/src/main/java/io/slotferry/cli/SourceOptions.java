package io.slotferry.cli;

import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.TlsTrust;
import io.slotferry.source.Discovery;
import io.slotferry.source.Fleet;
import io.slotferry.replication.scan.ScanFollow;
import io.slotferry.source.SyncFrom;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import picocli.CommandLine.Option;

/**
 * How to reach live sources (a picocli mixin): {@code redis://[user@]host:port}, {@code rediss://...},
 * and the backends of {@code twemproxy:} and {@code codis:} sources; the password only from
 * {@code MIGRATE_SOURCE_PASSWORD} or a file, never from the command line (it would show in {@code ps}).
 */
public final class SourceOptions {
    /** Environment variable holding the source password. */
    public static final String PASSWORD_ENV = "MIGRATE_SOURCE_PASSWORD";

    @Option(names = "--source-password-file", paramLabel = "FILE",
            description = {"File holding the source password (AUTH token; for Twemproxy and Codis, the backends' shared",
                "password); default: the MIGRATE_SOURCE_PASSWORD environment variable."})
    Path passwordFile;

    @Option(names = "--source-cacert", paramLabel = "PEM",
            description = "CA certificate(s) to verify a rediss:// source with; default: the JVM trust store. Host names are always verified.")
    Path caCert;

    /** True for the URIs this mixin understands. */
    public static boolean isLiveSource(String s) {
        return s.startsWith("redis://") || s.startsWith("rediss://");
    }

    /** Parses a source URI into an endpoint with TLS and credentials attached. */
    public RedisEndpoint endpoint(String uri) {
        RedisUri u = RedisUri.parse(uri, "source URI", PASSWORD_ENV + " or --source-password-file");
        SSLSocketFactory tls = null;
        if (u.tls()) {
            try {
                tls = caCert != null ? TlsTrust.fromPem(caCert) : TlsTrust.jvmDefault();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new RedisEndpoint(u.host(), u.port(), tls, u.user(), password());
    }

    /** The source password supplier (null when none is configured). */
    Supplier<String> password() {
        return RedisUri.password(passwordFile, "--source-password-file", PASSWORD_ENV, System::getenv);
    }

    /** Every instance the {@code --source} values name (Twemproxy backends, Codis groups, URIs, files). */
    public Fleet discover(List<String> values, Duration timeout, SyncFrom syncFrom, ScanFollow scanFollow) throws IOException {
        // Twemproxy and Codis backends: plain TCP (neither proxy speaks TLS to them), the shared password.
        RedisEndpoint backends = new RedisEndpoint("backend", 6379, null, null, password());
        return Discovery.discover(values, new Discovery.Options(this::endpoint, backends, syncFrom, timeout, scanFollow));
    }
}
