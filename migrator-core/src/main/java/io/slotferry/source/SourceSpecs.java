package io.slotferry.source;

/** Text handling for source specs in messages. */
final class SourceSpecs {
    private SourceSpecs() {
    }

    /** {@code scheme://user:secret@host} shown as {@code scheme://user:***@host}: messages never carry a password. */
    static String redact(String text) {
        int scheme = text.indexOf("://");
        int at = text.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return text;
        }
        int colon = text.indexOf(':', scheme + 3);
        if (colon < 0 || colon > at) {
            return text;
        }
        return text.substring(0, colon + 1) + "***" + text.substring(at);
    }
}
