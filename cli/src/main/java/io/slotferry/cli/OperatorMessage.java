package io.slotferry.cli;

import java.io.EOFException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** A failure in an operator's words: the JDK's own messages are often a bare path, "null", or a socket's state. */
final class OperatorMessage {
    private OperatorMessage() {
    }

    static String of(Throwable t) {
        String m = t.getMessage();
        if (t instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile() + (a.getOtherFile() != null ? " (or " + a.getOtherFile() + ")" : "");
        }
        if (t instanceof NoSuchFileException n && (m == null || m.equals(n.getFile()))) {
            return "no such file or directory: " + n.getFile();
        }
        if (t instanceof FileSystemException f && (m == null || m.equals(f.getFile()))) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : "cannot be used");
        }
        if (t instanceof BindException) {
            return "cannot listen: " + (m == null ? "address already in use" : m);
        }
        if (m == null || m.isBlank()) {
            if (t instanceof EOFException) {
                return "the input ended early (a truncated file, or a connection closed mid-reply)";
            }
            Throwable cause = t.getCause();
            return cause != null && cause != t ? of(cause) : t.getClass().getSimpleName();
        }
        return m;
    }
}
