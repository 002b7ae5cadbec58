package io.slotferry.resp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** One RESP2 reply. Bulk strings stay bytes; a nil bulk or array has a null payload. */
public sealed interface RespValue {

    /** {@code +text}. */
    record SimpleString(String text) implements RespValue {
    }

    /** {@code -message}: an error reply, e.g. {@code ERR unknown command}, {@code LOADING ...}. */
    record Error(String message) implements RespValue {
        /** The error code: the first word ({@code ERR}, {@code LOADING}, {@code NOMASTERLINK}, ...). */
        public String code() {
            int space = message.indexOf(' ');
            return space < 0 ? message : message.substring(0, space);
        }
    }

    /** {@code :n}. */
    record Integer(long value) implements RespValue {
    }

    /** {@code $len bytes}, or nil ({@code $-1}) when {@code bytes} is null. */
    record Bulk(byte[] bytes) implements RespValue {
        public String text() {
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** {@code *n items}, or nil ({@code *-1}) when {@code items} is null. */
    record Array(List<RespValue> items) implements RespValue {
    }
}
