package io.slotferry.command;

/**
 * One key of a command call.
 *
 * @param index   position of the key in argv (0 is the command name)
 * @param written whether the command may modify or delete it (key-spec RW/OW/RM, or a legacy
 *                {@code write} command); RO keys are {@code false}
 */
public record KeyRef(int index, boolean written) {
}
