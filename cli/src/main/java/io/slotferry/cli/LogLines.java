package io.slotferry.cli;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per log record on stderr: time, level, message, and the exception's own message; the stack
 * trace only with {@code --debug}.
 */
final class LogLines extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
    /** Set from the command line ({@code --debug}) before a command runs. */
    static volatile boolean debug;

    /** Puts this format on every handler of the root logger (the console handler of the JDK's default set-up). */
    static void install() {
        for (Handler h : Logger.getLogger("").getHandlers()) {
            if (!(h.getFormatter() instanceof LogLines)) {
                h.setFormatter(new LogLines());
            }
        }
    }

    @Override
    public String format(LogRecord r) {
        StringBuilder b = new StringBuilder().append(TIME.format(r.getInstant())).append(' ').append(r.getLevel().getLocalizedName())
                .append(' ').append(formatMessage(r));
        Throwable t = r.getThrown();
        if (t != null) {
            if (debug) {
                java.io.StringWriter w = new java.io.StringWriter();
                t.printStackTrace(new java.io.PrintWriter(w));
                b.append(System.lineSeparator()).append(w);
            } else if (t.getMessage() != null && !formatMessage(r).contains(t.getMessage())) {
                b.append(" (").append(t.getMessage()).append(')');
            }
        }
        return b.append(System.lineSeparator()).toString();
    }
}
