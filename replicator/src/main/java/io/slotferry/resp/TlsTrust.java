package io.slotferry.resp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS socket factories that verify the server: against the CA certificates of a PEM file (an
 * ElastiCache or self-managed CA bundle), or the JVM's default trust store. Hostname verification is
 * switched on by {@link RedisConnection}.
 */
public final class TlsTrust {
    private TlsTrust() {
    }

    /** Trusts exactly the certificates in {@code pemFile} (one or more). */
    public static SSLSocketFactory fromPem(Path pemFile) throws IOException {
        try (InputStream in = Files.newInputStream(pemFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IOException("no certificate in " + pemFile);
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + pemFile + " as a CA bundle: " + e.getMessage(), e);
        }
    }

    /** The JVM's default trust store (cacerts, or -Djavax.net.ssl.trustStore). */
    public static SSLSocketFactory jvmDefault() {
        return (SSLSocketFactory) SSLSocketFactory.getDefault();
    }
}
