package io.slotferry.write;

/**
 * A cluster redirect, {@code -MOVED slot host:port} or {@code -ASK slot host:port}: the one parser of
 * both, for the pipelined writer ({@link Replies}) and the synchronous clients ({@link TargetNodes}).
 * The host may be empty (a node that does not know its own address): callers use the node that answered.
 *
 * @param ask true for {@code ASK} (send once with {@code ASKING}), false for {@code MOVED}
 */
record Redirect(boolean ask, int slot, String host, int port) {

    /** True when the error reply {@code message} is a redirect (well-formed or not). */
    static boolean is(String message) {
        return message.startsWith("MOVED ") || message.startsWith("ASK ");
    }

    /** The redirect {@code message} names; null when it is not a well-formed {@code MOVED} or {@code ASK}. */
    static Redirect parse(String message) {
        if (!is(message)) {
            return null;
        }
        String[] parts = message.split(" ");
        if (parts.length != 3) {
            return null;
        }
        int colon = parts[2].lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        try {
            return new Redirect(parts[0].equals("ASK"), Integer.parseInt(parts[1]), parts[2].substring(0, colon),
                    Integer.parseInt(parts[2].substring(colon + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
