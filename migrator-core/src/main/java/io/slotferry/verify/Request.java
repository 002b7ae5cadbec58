package io.slotferry.verify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds one command's argv: byte arrays as they are, words and numbers as US-ASCII. */
final class Request {
    private Request() {
    }

    static List<byte[]> of(Object... parts) {
        List<byte[]> argv = new ArrayList<>(parts.length);
        for (Object p : parts) {
            if (p instanceof byte[] b) {
                argv.add(b);
            } else {
                argv.add(String.valueOf(p).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return argv;
    }

    /** {@code name key} followed by {@code items}. */
    static List<byte[]> withItems(String name, byte[] key, List<byte[]> items) {
        List<byte[]> argv = new ArrayList<>(items.size() + 2);
        argv.add(name.getBytes(StandardCharsets.US_ASCII));
        argv.add(key);
        argv.addAll(items);
        return argv;
    }
}
