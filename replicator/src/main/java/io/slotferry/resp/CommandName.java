package io.slotferry.resp;


/** Case-insensitive comparison of a command (or subcommand) argument with an upper-case ASCII name. */
public final class CommandName {
    private CommandName() {
    }

    /** True when {@code arg} spells {@code upperName} in any letter case (ASCII). */
    public static boolean is(byte[] arg, String upperName) {
        // no copy of the name: on every replayed command's path (SELECT, expiry and option words)
        if (arg.length != upperName.length()) {
            return false;
        }
        for (int i = 0; i < arg.length; i++) {
            int c = arg[i];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            if (c != upperName.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
