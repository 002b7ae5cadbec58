package io.slotferry.resp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds command boundaries in a replication stream fed in arbitrary pieces: an explicit state
 * machine over {@code *<argc>\r\n ($<len>\r\n <bytes>\r\n)*}. It keeps every argument
 * ({@link #keepingAll()}) or only the arguments of small commands, which is all the receiver needs
 * to recognise {@code REPLCONF GETACK} without holding big values.
 */
public final class CommandFramer {
    /** Most arguments one command may have (Redis accepts up to 1024*1024 from clients; masters send no more). */
    private static final long MAX_ARGS = 1L << 24;
    /** Largest argument (Redis' proto-max-bulk-len default is 512 MiB). */
    private static final long MAX_BULK = 1L << 30;

    /** Receives each complete command. */
    public interface Listener {
        /**
         * @param start offset of the command's first byte
         * @param end   offset just after its last byte
         * @param argv  the arguments, or null when this framer does not keep them for this command
         */
        void command(long start, long end, List<byte[]> argv) throws IOException;
    }

    private enum State { ARRAY, ARRAY_COUNT, BULK, BULK_LENGTH, DATA, DATA_CR, DATA_LF }

    private final long keepLimit;
    /** Keep only the commands of this name (upper-case ASCII, matched in any case); null: any command. */
    private final String keepOnly;
    private State state = State.ARRAY;
    private long offset;
    private long commandStart;

    private long number;
    private boolean digits;
    private boolean sawCr;

    private long argsLeft;
    private long bulkLeft;
    private List<byte[]> argv;
    /** The arguments of the current command are being kept ({@link #argv} is created with its first one). */
    private boolean keeping;
    private long argCount;
    private long keptBytes;
    private byte[] current;
    private int currentFill;
    /** The arguments {@link #whole} framed. */
    private List<byte[]> parsed;

    /**
     * @param startOffset offset of the first byte that will be fed
     * @param keepLimit   keep the arguments of commands up to this many argument bytes
     *                    ({@link Long#MAX_VALUE}: all)
     */
    public CommandFramer(long startOffset, long keepLimit) {
        this(startOffset, keepLimit, null);
    }

    /**
     * @param keepOnly keep the arguments only of the commands of this name (the receiver looks for
     *                 {@code REPLCONF GETACK}): the others are delimited without an allocation
     */
    public CommandFramer(long startOffset, long keepLimit, String keepOnly) {
        this.offset = startOffset;
        this.commandStart = startOffset;
        this.keepLimit = keepLimit;
        this.keepOnly = keepOnly;
    }

    public boolean keepingAll() {
        return keepLimit == Long.MAX_VALUE;
    }

    /** Offset after the last byte fed. */
    public long offset() {
        return offset;
    }

    /** Offset just after the last complete command (where a partial command, if any, starts). */
    public long commandBoundary() {
        return commandStart;
    }

    public void feed(byte[] b, int off, int len, Listener listener) throws IOException {
        int i = off;
        int end = off + len;
        while (i < end) {
            switch (state) {
                case ARRAY -> {
                    int after = keepLimit == Long.MAX_VALUE && keepOnly == null ? whole(b, i, end) : -1;
                    if (after > 0) {
                        // the whole command is in this piece: framed in one pass, no state turn per part
                        long start = offset + (i - off);
                        long commandEnd = offset + (after - off);
                        List<byte[]> done = parsed;
                        parsed = null;
                        commandStart = commandEnd;
                        i = after;
                        listener.command(start, commandEnd, done);
                        continue;
                    }
                    expect(b[i], '*', "a command array ('*')");
                    commandStart = offset + (i - off);
                    startNumber(State.ARRAY_COUNT);
                    i++;
                }
                case BULK -> {
                    expect(b[i], '$', "a bulk string ('$') inside a command");
                    startNumber(State.BULK_LENGTH);
                    i++;
                }
                case ARRAY_COUNT, BULK_LENGTH -> {
                    // a header is a few bytes: consume them here rather than one switch turn each
                    boolean done = false;
                    while (i < end && !done) {
                        done = number(b[i++]);
                    }
                    if (done) {
                        numberDone();
                    }
                }
                case DATA -> {
                    int n = (int) Math.min(bulkLeft, end - i);
                    if (current != null) {
                        System.arraycopy(b, i, current, currentFill, n);
                        currentFill += n;
                    }
                    bulkLeft -= n;
                    i += n;
                    if (bulkLeft == 0) {
                        state = State.DATA_CR;
                    }
                }
                case DATA_CR -> {
                    expect(b[i], '\r', "CR after a bulk string");
                    state = State.DATA_LF;
                    i++;
                    if (i < end) {
                        continue; // the LF is usually right here; the next turn takes it
                    }
                }
                case DATA_LF -> {
                    expect(b[i], '\n', "LF after a bulk string");
                    i++;
                    if (keeping) {
                        keep(current);
                    }
                    current = null;
                    if (--argsLeft == 0) {
                        long commandEnd = offset + (i - off);
                        List<byte[]> done = keeping ? argv : null;
                        argv = null;
                        state = State.ARRAY;
                        long start = commandStart;
                        commandStart = commandEnd;
                        listener.command(start, commandEnd, done);
                    } else {
                        state = State.BULK;
                    }
                }
                default -> throw new IllegalStateException(state.toString());
            }
        }
        offset += len;
    }

    /**
     * Frames the command starting at {@code b[i]} when it lies whole in {@code b[i..end)} and is well
     * formed: its arguments go to {@link #parsed}, and the index after it is returned. Otherwise -1,
     * and the state machine takes the bytes (it reports malformed input and keeps partial commands).
     */
    private int whole(byte[] b, int i, int end) {
        if (b[i] != '*') {
            return -1;
        }
        int p = i + 1;
        long count = 0;
        int digits = 0;
        while (p < end && b[p] >= '0' && b[p] <= '9' && digits < 10) {
            count = count * 10 + (b[p++] - '0');
            digits++;
        }
        if (digits == 0 || end - p < 2 || b[p] != '\r' || b[p + 1] != '\n' || count < 1 || count > MAX_ARGS) {
            return -1;
        }
        p += 2;
        List<byte[]> out = new ArrayList<>((int) Math.min(count, 16));
        for (long a = 0; a < count; a++) {
            if (p >= end || b[p] != '$') {
                return -1;
            }
            p++;
            long len = 0;
            digits = 0;
            while (p < end && b[p] >= '0' && b[p] <= '9' && digits < 11) {
                len = len * 10 + (b[p++] - '0');
                digits++;
            }
            if (digits == 0 || end - p < 2 || b[p] != '\r' || b[p + 1] != '\n' || len > MAX_BULK) {
                return -1;
            }
            p += 2;
            if (end - p < len + 2 || b[p + (int) len] != '\r' || b[p + (int) len + 1] != '\n') {
                return -1;
            }
            out.add(Arrays.copyOfRange(b, p, p + (int) len));
            p += (int) len + 2;
        }
        parsed = out;
        return p;
    }

    private void startNumber(State next) {
        state = next;
        number = 0;
        digits = false;
        sawCr = false;
    }

    /** Consumes one byte of a decimal header; true when its CRLF has been read. */
    private boolean number(byte c) throws RespProtocolException {
        if (sawCr) {
            expect(c, '\n', "LF ending a RESP header");
            if (!digits) {
                throw error("digits in a RESP header");
            }
            return true;
        }
        if (c == '\r') {
            sawCr = true;
        } else if (c >= '0' && c <= '9' && number < (1L << 40)) {
            number = number * 10 + (c - '0');
            digits = true;
        } else {
            throw error("a decimal digit in a RESP header, got " + describe(c));
        }
        return false;
    }

    private void numberDone() throws RespProtocolException {
        if (state == State.ARRAY_COUNT) {
            if (number < 1 || number > MAX_ARGS) {
                throw error("a command of 1 to " + MAX_ARGS + " arguments, got " + number);
            }
            argsLeft = number;
            argCount = number;
            argv = null;
            keeping = keepLimit > 0;
            keptBytes = 0;
            state = State.BULK;
        } else {
            if (number > MAX_BULK) {
                throw error("an argument of at most " + MAX_BULK + " bytes, got " + number);
            }
            bulkLeft = number;
            currentFill = 0;
            if (keeping && keptBytes + number <= keepLimit
                    && (keepOnly == null || argsLeft < argCount || number == keepOnly.length())) {
                keptBytes += number;
                current = new byte[(int) number];
            } else {
                keeping = false; // too big to keep, or not the command kept: only the boundaries are reported
                argv = null;
                current = null;
            }
            state = number == 0 ? State.DATA_CR : State.DATA;
        }
    }

    /** Adds a complete argument to the command kept; its first one decides whether it is kept at all. */
    private void keep(byte[] arg) {
        if (argv == null) {
            if (keepOnly != null && !CommandName.is(arg, keepOnly)) {
                keeping = false;
                return;
            }
            argv = new ArrayList<>((int) Math.min(argCount, 16));
        }
        argv.add(arg);
    }

    private void expect(byte c, char wanted, String what) throws RespProtocolException {
        if (c != wanted) {
            throw error(what + ", got " + describe(c));
        }
    }

    private RespProtocolException error(String expected) {
        return new RespProtocolException("replication stream at offset " + commandStart + " (command start): expected " + expected);
    }

    private static String describe(byte c) {
        int v = c & 0xff;
        return v >= 32 && v < 127 ? "'" + (char) v + "'" : String.format("0x%02x", v);
    }
}
