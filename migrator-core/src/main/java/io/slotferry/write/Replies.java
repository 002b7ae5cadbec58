package io.slotferry.write;

import io.slotferry.resp.RespValue;
import java.util.List;

/** Classifies the replies to one write (see {@link Outcome}). */
final class Replies {
    private Replies() {
    }

    /**
     * The outcome of a write from all its replies, in order: an optional {@code ASKING} reply, then
     * either one command reply, or {@code MULTI}'s, one per queued command, and {@code EXEC}'s.
     */
    static Outcome classify(List<RespValue> replies, boolean asking, boolean transaction) {
        int i = 0;
        if (asking) {
            if (replies.get(i++) instanceof RespValue.Error e) {
                return ofError(e.message());
            }
        }
        if (!transaction) {
            return replies.get(i) instanceof RespValue.Error e ? ofError(e.message()) : Outcome.APPLIED;
        }
        if (replies.get(i++) instanceof RespValue.Error e) { // MULTI itself
            return ofError(e.message());
        }
        int last = replies.size() - 1;
        for (; i < last; i++) {
            if (replies.get(i) instanceof RespValue.Error e) {
                // Queueing refused (a redirect, a wrong argument): EXEC answers EXECABORT; the first error says why.
                return ofError(e.message());
            }
        }
        RespValue exec = replies.get(last);
        if (exec instanceof RespValue.Error e) {
            return ofError(e.message());
        }
        if (exec instanceof RespValue.Array a && a.items() != null) {
            for (RespValue r : a.items()) {
                if (r instanceof RespValue.Error e) {
                    return ofError(e.message());
                }
            }
            return Outcome.APPLIED;
        }
        return new Outcome.Transient("EXEC answered " + exec); // a nil EXEC: aborted (we never WATCH)
    }

    /** The outcome of one error reply. */
    static Outcome ofError(String message) {
        String code = codeOf(message);
        switch (code) {
            case "MOVED", "ASK": {
                Redirect r = Redirect.parse(message);
                if (r == null) {
                    return new Outcome.Fatal("cannot follow the redirect '" + message + "'");
                }
                return r.ask() ? new Outcome.Ask(r.slot(), r.host(), r.port()) : new Outcome.Moved(r.slot(), r.host(), r.port());
            }
            case "TRYAGAIN", "CLUSTERDOWN", "LOADING", "MASTERDOWN", "READONLY", "NOREPLICAS", "BUSY", "NOMASTERLINK":
                return new Outcome.Transient(message);
            case "NOPERM", "NOAUTH", "WRONGPASS", "NOSCRIPT":
                return new Outcome.Fatal(message);
            case "EXECABORT":
                return new Outcome.Transient(message); // only reached when no queued reply said why
            case "ERR":
                if (message.startsWith("ERR unknown command") || message.startsWith("ERR unknown subcommand")
                        || message.startsWith("ERR wrong number of arguments") || message.startsWith("ERR syntax error")) {
                    return new Outcome.Fatal(message); // our command, not the key's data: every key would fail
                }
                return new Outcome.DataError(message);
            default:
                return new Outcome.DataError(message); // WRONGTYPE, BUSYKEY, OOM, ...
        }
    }

    private static String codeOf(String message) {
        int space = message.indexOf(' ');
        return space < 0 ? message : message.substring(0, space);
    }
}
