package io.slotferry.replay;

/**
 * A command of the stream that the target cannot be given faithfully under the chosen policies: the
 * worker stops here, and the message names the command, its source offset and what to do.
 */
public class ReplayException extends Exception {
    private final long offset;

    public ReplayException(String command, long offset, String why) {
        super(command + " at source offset " + offset + ": " + why);
        this.offset = offset;
    }

    public ReplayException(String command, long offset, String why, Throwable cause) {
        super(command + " at source offset " + offset + ": " + why, cause);
        this.offset = offset;
    }

    /** Source replication offset of the command's first byte. */
    public long offset() {
        return offset;
    }
}
