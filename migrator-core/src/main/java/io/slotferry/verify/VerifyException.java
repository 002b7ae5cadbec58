package io.slotferry.verify;

import java.io.IOException;

/**
 * Verification could not go on: a server refused a read (an ACL without the command, an unknown
 * command, a reply of an unexpected shape). Differences are not exceptions: they are in the report.
 */
public class VerifyException extends IOException {
    private static final long serialVersionUID = 1L;

    public VerifyException(String message) {
        super(message);
    }
}
