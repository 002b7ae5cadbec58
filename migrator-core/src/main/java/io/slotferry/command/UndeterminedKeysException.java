package io.slotferry.command;

/**
 * The keys of a command call cannot be told from the table: wrong arity, an {@code incomplete} or
 * unknown key spec, movable keys without specs, or an argument (a numkeys count) out of range.
 * The replayer must not guess a slot for such a call.
 */
public final class UndeterminedKeysException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String command;

    /** {@code command} is the table name ({@code xgroup|create}); {@code reason} says why. */
    public UndeterminedKeysException(String command, String reason) {
        super(command + ": " + reason);
        this.command = command;
    }

    /** The command's table name. */
    public String command() {
        return command;
    }
}
