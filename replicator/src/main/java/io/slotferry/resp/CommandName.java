package io.slotferry.resp;

import java.nio.charset.StandardCharsets;

/** Case-insensitive comparison of a command (or subcommand) argument with an upper-case ASCII name. */
public final class CommandName {
    private CommandName() {
    }

    /** True when {@code arg} spells {@code upperName} in any letter case (ASCII). */
    public static boolean is(byte[] arg, String upperName) {
        byte[] name = upperName.getBytes(StandardCharsets.US_ASCII);
        if (arg.length != name.length) {
            return false;
        }
        for (int i = 0; i < arg.length; i++) {
            int c = arg[i];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            if (c != name[i]) {
                return false;
            }
        }
        return true;
    }
}
