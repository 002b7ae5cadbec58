package io.slotferry.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.routing.TopologyException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Each hint matches its cause: a host name mismatch is not a CA problem, NOAUTH names the password variable. */
class FailureHintTest {
    private static final String PASSWORD = "MIGRATE_TARGET_PASSWORD or --target-password-file";

    private static SSLHandshakeException handshake(String certificateProblem) {
        SSLHandshakeException e = new SSLHandshakeException(certificateProblem);
        e.initCause(new CertificateException(certificateProblem));
        return e;
    }

    @Test
    void aCertificateForAnotherHostAsksForTheHostNameNotTheCa() {
        String hint = FailureHint.target(handshake("No subject alternative names matching IP address 10.0.0.7 found"), PASSWORD);
        assertTrue(hint.contains("does not name the host"), hint);
        assertTrue(!hint.contains("cacert"), hint);
        String byName = FailureHint.target(handshake("No name matching cache.example.com found"), PASSWORD);
        assertTrue(byName.contains("does not name the host"), byName);
    }

    @Test
    void anUntrustedCertificateAsksForTheCa() {
        String hint = FailureHint.target(handshake("PKIX path building failed: unable to find valid certification path"), PASSWORD);
        assertTrue(hint.contains("--target-cacert"), hint);
    }

    @Test
    void noauthNamesThePasswordVariable() {
        String hint = FailureHint.target(new IOException("INFO answered -NOAUTH Authentication required."), PASSWORD);
        assertTrue(hint.contains("MIGRATE_TARGET_PASSWORD"), hint);
    }

    @Test
    void uncoveredSlotsAskForTheSlotsNotThePassword() {
        String hint = FailureHint.target(new TopologyException("slots 0-5460 are not covered by any node"), PASSWORD);
        assertTrue(hint.contains("slot") && !hint.contains("password"), hint);
    }

    @Test
    void aTimeoutHasNoSpecificHintBecauseItsMessageAlreadySaysWhat() {
        assertNull(FailureHint.knownTargetCause(new SocketTimeoutException("no reply"), PASSWORD));
        assertEquals("check --target (host and port, redis:// or rediss://)", FailureHint.target(new IOException("x"), PASSWORD));
    }
}
