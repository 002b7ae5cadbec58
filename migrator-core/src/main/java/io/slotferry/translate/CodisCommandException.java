package io.slotferry.translate;

/** A Codis restore command that cannot be translated (malformed), or must stop the worker ({@code SLOTSDEL}). */
public final class CodisCommandException extends Exception {
    public CodisCommandException(String command, String why) {
        super(command + ": " + why);
    }
}
