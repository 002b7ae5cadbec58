package io.slotferry.resp;

import java.io.IOException;

/** The peer sent bytes that are not valid RESP where RESP was expected. */
public final class RespProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public RespProtocolException(String message) {
        super(message);
    }
}
