package io.slotferry.command;

/** A line of {@code commands.tsv} or {@code overrides.tsv} does not parse: a build defect, not a runtime condition. */
public final class CommandTableFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code where} is {@code file:line}. */
    public CommandTableFormatException(String where, String problem) {
        super(where + ": " + problem);
    }
}
