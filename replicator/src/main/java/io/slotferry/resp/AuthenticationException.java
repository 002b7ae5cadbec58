package io.slotferry.resp;

import java.io.IOException;

/** The server refused our credentials (AUTH). Retrying with the same credentials cannot help. */
public final class AuthenticationException extends IOException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }
}
