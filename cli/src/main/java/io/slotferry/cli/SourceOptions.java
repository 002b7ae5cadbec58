package io.slotferry.cli;

import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.TlsTrust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
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
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a source URI: " + uri + " (expected redis://[user@]host:port)");
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException("no host in source URI " + uri + " (expected redis://[user@]host:port)");
        }
        String user = u.getUserInfo();
        if (user != null && user.contains(":")) {
            throw new IllegalArgumentException("do not put the password in the source URI (it would show in process lists); "
                    + "use " + PASSWORD_ENV + " or --source-password-file");
        }
        int port = u.getPort() == -1 ? 6379 : u.getPort();
        SSLSocketFactory tls = null;
        if (u.getScheme().equals("rediss")) {
            try {
                tls = caCert != null ? TlsTrust.fromPem(caCert) : TlsTrust.jvmDefault();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new RedisEndpoint(u.getHost(), port, tls, user == null || user.isEmpty() ? null : user, password());
    }

    private Supplier<String> password() {
        if (passwordFile != null) {
            return () -> {
                try {
                    return Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read --source-password-file " + passwordFile, e);
                }
            };
        }
        String env = System.getenv(PASSWORD_ENV);
        return env == null || env.isEmpty() ? null : () -> env;
    }
}
