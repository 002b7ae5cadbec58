package io.slotferry.cli;

import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.TlsTrust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.net.ssl.SSLSocketFactory;
import picocli.CommandLine.Option;

/**
 * How to reach a live source (a picocli mixin): {@code redis://[user@]host:port} or
 * {@code rediss://...}; the password only from {@code MIGRATE_SOURCE_PASSWORD} or a file, never from
 * the command line (it would show in {@code ps}).
 */
public final class SourceOptions {
    /** Environment variable holding the source password. */
    public static final String PASSWORD_ENV = "MIGRATE_SOURCE_PASSWORD";

    @Option(names = "--source-password-file", paramLabel = "FILE",
            description = "File holding the source password (AUTH token); default: the MIGRATE_SOURCE_PASSWORD environment variable.")
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
        return new RedisEndpoint(u.host(), u.port(), tls, u.user(),
                RedisUri.password(passwordFile, "--source-password-file", PASSWORD_ENV, System::getenv));
    }
}
