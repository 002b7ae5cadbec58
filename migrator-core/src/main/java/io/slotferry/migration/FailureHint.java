package io.slotferry.migration;

import io.slotferry.routing.TopologyException;
import java.io.IOException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;

/**
 * What to do about a failed connection, matched to its cause: a password for NOAUTH, the host name for a
 * certificate that names another host, the CA for an untrusted certificate, the slots for an incomplete
 * cluster; the generic "check the address" only when nothing more precise is known.
 */
public final class FailureHint {
    private FailureHint() {
    }

    /** The hint for a failure reaching the target ({@code passwordHint}: where its password comes from). */
    public static String target(Throwable e, String passwordHint) {
        return of(e, "target", passwordHint, "check --target (host and port, redis:// or rediss://)");
    }

    /** The hint for a failure reaching a source. */
    public static String source(Throwable e, String passwordHint) {
        return of(e, "source", passwordHint, "check the source address (host and port, redis:// or rediss://)");
    }

    /** The hint for a failure reaching the target when its cause is known, else null. */
    public static String knownTargetCause(Throwable e, String passwordHint) {
        return of(e, "target", passwordHint, null);
    }

    private static String of(Throwable e, String side, String passwordHint, String otherwise) {
        String text = messages(e);
        if (text.contains("NOAUTH")) {
            return "the " + side + " requires a password: set " + passwordHint;
        }
        if (text.contains("WRONGPASS") || text.contains("invalid password") || text.contains("invalid username-password")) {
            return "the " + side + " refused the user or password: check the user and " + passwordHint;
        }
        if (text.contains("NOPERM")) {
            return "the " + side + "'s ACL user may not run a command the run needs: see the ACL rules in docs/testing.md";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TopologyException) {
                return "the cluster does not cover every slot: assign them (redis-cli --cluster fix) before the run";
            }
            if (t instanceof CertificateException && t.getMessage() != null && (t.getMessage().contains("No subject alternative")
                    || t.getMessage().contains("No name matching"))) {
                return "the " + side + "'s certificate does not name the host connected to: use a host name the certificate"
                        + " lists (for ElastiCache, the configuration endpoint's name), not an IP address or alias";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException) {
                return "the " + side + "'s certificate is not trusted: give the CA that signed it (--" + side + "-cacert PEM)";
            }
        }
        return otherwise;
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getMessage()).append('\n');
        }
        return b.toString();
    }

    /** Convenience for IOExceptions caught by checks. */
    static String target(IOException e) {
        return target(e, "MIGRATE_TARGET_PASSWORD or --target-password-file");
    }
}
