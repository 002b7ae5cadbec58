package io.slotferry.rdb;

import java.io.IOException;

/**
 * A {@link DumpPayload} cannot be used: it is too short, its CRC-64 does not match, or its type byte is
 * not a value type this version knows.
 */
public final class DumpFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String problem;

    public DumpFormatException(String problem) {
        super("the DUMP payload " + problem);
        this.problem = problem;
    }

    /** What is wrong, as a predicate ("fails its checksum: ..."), for messages that name the payload's key. */
    public String problem() {
        return problem;
    }
}
