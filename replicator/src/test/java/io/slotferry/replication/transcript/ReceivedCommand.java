package io.slotferry.replication.transcript;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One command a replica sent to a {@link TranscriptMaster}.
 *
 * @param connection which accepted connection it came on (1 = the first)
 * @param at         when it was read, measured from the master's start
 * @param argv       its arguments as sent, the command name first
 * @param inline     true when it came as an inline command rather than a RESP array
 */
public record ReceivedCommand(int connection, Duration at, List<byte[]> argv, boolean inline) {

    /** The command name, upper-case. */
    public String name() {
        return argv.isEmpty() ? "" : arg(0).toUpperCase(Locale.ROOT);
    }

    /** Argument {@code i} as a string, one character per byte. */
    public String arg(int i) {
        return new String(argv.get(i), ISO_8859_1);
    }

    /** Every argument as a string, one character per byte (so tests can compare with manifest lists). */
    public List<String> args() {
        return argv.stream().map(a -> new String(a, ISO_8859_1)).toList();
    }

    /** True for {@code REPLCONF ACK <offset>}. */
    public boolean isAck() {
        return argv.size() >= 3 && name().equals("REPLCONF") && arg(1).equalsIgnoreCase("ACK");
    }

    /** The offset of a {@code REPLCONF ACK}. */
    public long ackOffset() {
        if (!isAck()) {
            throw new IllegalStateException("not a REPLCONF ACK: " + args());
        }
        return Long.parseLong(arg(2));
    }

    @Override
    public String toString() {
        return "#" + connection + " +" + at.toMillis() + "ms " + args();
    }
}
