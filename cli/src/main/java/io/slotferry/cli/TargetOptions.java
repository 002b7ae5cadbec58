package io.slotferry.cli;

import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.TlsTrust;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How to reach the target cluster (a picocli mixin, the counterpart of {@link SourceOptions}):
 * {@code --target redis://[user@]host:port} or {@code rediss://...} (any node, or the ElastiCache
 * configuration endpoint), the ACL user, the password from {@value #PASSWORD_ENV} or a file (never
 * from the command line: it would show in {@code ps}), and how the target's TLS certificate is trusted.
 * {@link #endpoint()} turns them into a {@link RedisEndpoint}; the password is only read when a
 * connection authenticates and no method of this class returns or prints it.
 */
public final class TargetOptions {
    /** Environment variable holding the target password (ACL user password or ElastiCache AUTH token). */
    public static final String PASSWORD_ENV = "MIGRATE_TARGET_PASSWORD";

    /** The warning {@code --target-tls-insecure} prints on stderr each time it is used. */
    static final String INSECURE_WARNING = "WARNING: --target-tls-insecure: the target's certificate and host name are NOT"
            + " verified, so anyone on the network path can pose as the target and receive the data and the password.";

    private static final String PASSWORD_HINT = PASSWORD_ENV + " or --target-password-file";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--target", required = true, paramLabel = "URI", description = {
        "Target cluster: any node, or the ElastiCache configuration endpoint, as redis://[user@]host:port or, for TLS, "
                + "rediss://[user@]host:port. Port default 6379; IPv6 as [::1]:6379. Never put the password here.",
        "Example: --target rediss://slotferry@clustercfg.my-cache.abc123.use1.cache.amazonaws.com:6379"})
    String target;

    @Option(names = "--target-user", paramLabel = "USER", description = {
        "ACL user to authenticate as, if the URI names none (if it does, they must agree). Default: the URI's user, "
                + "else the default user (ElastiCache AUTH token).",
        "Example: --target-user slotferry"})
    String user;

    @Option(names = "--target-password-file", paramLabel = "FILE", description = {
        "File holding the target password (the ACL user's, or the AUTH token); a trailing line break is ignored. "
                + "Wins over the " + PASSWORD_ENV + " environment variable, used otherwise; with neither, no AUTH is sent.",
        "Example: --target-password-file /run/secrets/target-password"})
    Path passwordFile;

    @Option(names = "--target-cacert", paramLabel = "PEM", description = {
        "CA certificate(s) to verify a rediss:// target with. Default: the JVM trust store. Host names are always verified.",
        "Example: --target-cacert /etc/ssl/target-ca.pem"})
    Path caCert;

    @Option(names = "--target-tls-insecure", description = {
        "DANGEROUS, for tests only: accept any certificate for any host name from a rediss:// target (anyone on the "
                + "network path could pose as it); prints a warning each time.",
        "Example: --target rediss://127.0.0.1:7000 --target-tls-insecure"})
    boolean insecure;

    /** Reads an environment variable; tests replace it, the JVM's environment being read-only. */
    Function<String, String> environment = System::getenv;

    /**
     * The target endpoint, with TLS and credentials attached. Prints {@link #INSECURE_WARNING} on
     * stderr each time it is called with {@code --target-tls-insecure}.
     *
     * @throws CommandLine.ParameterException when the options are wrong or contradict each other (exit code 2)
     * @throws UncheckedIOException when the password file or the CA file cannot be read
     */
    public RedisEndpoint endpoint() {
        RedisUri uri = uri();
        Supplier<String> password = RedisUri.password(passwordFile, "--target-password-file", PASSWORD_ENV, environment);
        String authUser = user != null ? user : uri.user();
        if (authUser != null && password == null) {
            // Without AUTH the connection would run as the default user, not as the one the operator named.
            throw invalid("the target user " + authUser + " needs a password: set " + PASSWORD_HINT);
        }
        SSLSocketFactory tls = null;
        if (uri.tls()) {
            tls = insecure ? trustingAnyCertificate() : caCert != null ? caBundle() : TlsTrust.jvmDefault();
        }
        if (insecure) {
            warn(INSECURE_WARNING);
        }
        return new RedisEndpoint(uri.host(), uri.port(), tls, authUser, password, !insecure);
    }

    /**
     * One line for logs: the target, how TLS is verified and where the password comes from (never the
     * password), e.g. {@code rediss://slotferry@host:6379 (TLS verified by CA /etc/ca.pem, password from
     * --target-password-file /run/secrets/p)}.
     *
     * @throws CommandLine.ParameterException when the options are wrong, as {@link #endpoint()}
     */
    public String describe() {
        RedisUri uri = uri();
        String address = new RedisUri(uri.tls(), user != null ? user : uri.user(), uri.host(), uri.port()).text();
        String trust = !uri.tls() ? "plain TCP"
                : insecure ? "TLS NOT VERIFIED (--target-tls-insecure)"
                : caCert != null ? "TLS verified by CA " + caCert
                : "TLS verified by the JVM trust store";
        String envValue = environment.apply(PASSWORD_ENV);
        boolean envSet = envValue != null && !envValue.isEmpty();
        String password = passwordFile != null
                ? "password from --target-password-file " + passwordFile + (envSet ? " (" + PASSWORD_ENV + " ignored)" : "")
                : envSet ? "password from " + PASSWORD_ENV : "no password";
        return address + " (" + trust + ", " + password + ")";
    }

    /** The target's address as a URI with its user, nothing else: what a run's state directory is bound to. */
    public String address() {
        RedisUri uri = uri();
        return new RedisUri(uri.tls(), user != null ? user : uri.user(), uri.host(), uri.port()).text();
    }

    /** The URI checked against the other options; everything that can be told without a file or a socket. */
    private RedisUri uri() {
        if (target == null) {
            throw invalid("Missing required option: '--target=URI'");
        }
        RedisUri uri;
        try {
            uri = RedisUri.parse(target, "--target", PASSWORD_HINT);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        if (user != null && user.isEmpty()) {
            throw invalid("--target-user is empty; leave it out to authenticate as the default user");
        }
        if (user != null && uri.user() != null && !user.equals(uri.user())) {
            throw invalid("--target names user " + uri.user() + " but --target-user says " + user + "; give one of them");
        }
        if (insecure && caCert != null) {
            throw invalid("--target-cacert and --target-tls-insecure contradict each other: verify with the CA, or not at all");
        }
        if (!uri.tls() && caCert != null) {
            throw invalid("--target-cacert needs rediss:// (TLS); " + uri.text() + " is plain TCP");
        }
        if (!uri.tls() && insecure) {
            throw invalid("--target-tls-insecure needs rediss:// (TLS); " + uri.text() + " is plain TCP");
        }
        return uri;
    }

    private SSLSocketFactory caBundle() {
        try {
            return TlsTrust.fromPem(caCert);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot use --target-cacert " + caCert + ": " + RedisUri.reason(e), e));
        }
    }

    /**
     * TLS that accepts any certificate. The trust manager is an {@link X509ExtendedTrustManager}: the JDK
     * leaves the host name check to such a manager instead of adding its own, so nodes reached with a
     * verifying {@link RedisEndpoint} (e.g. found through CLUSTER SHARDS) are not checked either.
     */
    private static SSLSocketFactory trustingAnyCertificate() {
        TrustManager anyCertificate = new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {anyCertificate}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM offers no TLS: " + e.getMessage(), e);
        }
    }

    private void warn(String line) {
        if (mixee != null && mixee.commandLine() != null) {
            PrintWriter err = mixee.commandLine().getErr();
            err.println(line);
            err.flush();
        } else {
            System.err.println(line);
        }
    }

    private RuntimeException invalid(String message) {
        if (mixee != null && mixee.commandLine() != null) {
            return new CommandLine.ParameterException(mixee.commandLine(), message);
        }
        return new IllegalArgumentException(message);
    }
}
