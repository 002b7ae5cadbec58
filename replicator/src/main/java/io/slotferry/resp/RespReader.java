package io.slotferry.resp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Blocking reads from a connection: whole replies, CRLF lines, or raw bytes (an RDB transfer),
 * through one buffer so nothing read ahead is lost when switching between them.
 */
public final class RespReader {
    /** Longest header line accepted (a reply line, a bulk length). */
    private static final int MAX_LINE = 64 * 1024;
    /** Largest bulk reply accepted in {@link #read()} (Redis' proto-max-bulk-len default is 512 MiB). */
    private static final long MAX_BULK = 1L << 30;

    private static final RespValue.SimpleString OK = new RespValue.SimpleString("OK");
    private static final RespValue.SimpleString QUEUED = new RespValue.SimpleString("QUEUED");
    private static final byte[] OK_LINE = {'+', 'O', 'K', '\r', '\n'};
    private static final byte[] QUEUED_LINE = {'+', 'Q', 'U', 'E', 'U', 'E', 'D', '\r', '\n'};
    /** Digits of an integer reply read without building a line (more go the general way). */
    private static final int QUICK_DIGITS = 18;

    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;

    public RespReader(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    private boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    /** Bytes read from the connection and not consumed yet: a reply that starts here needs no wait for the network (unless cut). */
    public int buffered() {
        return limit - pos;
    }

    /** The next byte without consuming it; throws at end of stream. */
    public int peek() throws IOException {
        if (!fill()) {
            throw new EOFException("connection closed by the peer");
        }
        return buf[pos] & 0xff;
    }

    public int readByte() throws IOException {
        int b = peek();
        pos++;
        return b;
    }

    /** Up to {@code len} raw bytes (at least one); -1 at end of stream. */
    public int read(byte[] b, int off, int len) throws IOException {
        if (pos < limit) {
            int n = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
        if (len >= buf.length) {
            return in.read(b, off, len); // big reads bypass the buffer
        }
        if (!fill()) {
            return -1;
        }
        return read(b, off, len);
    }

    public void readFully(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = read(b, off + done, len - done);
            if (n < 0) {
                throw new EOFException("connection closed after " + done + " of " + len + " bytes");
            }
            done += n;
        }
    }

    /** A line up to CRLF (or bare LF), without the terminator, as ISO-8859-1 text. */
    public String readLine() throws IOException {
        StringBuilder s = new StringBuilder();
        while (true) {
            int b = readByte();
            if (b == '\n') {
                int len = s.length();
                if (len > 0 && s.charAt(len - 1) == '\r') {
                    s.setLength(len - 1);
                }
                return s.toString();
            }
            if (s.length() >= MAX_LINE) {
                throw new RespProtocolException("a RESP line longer than " + MAX_LINE + " bytes");
            }
            s.append((char) b);
        }
    }

    /** One complete reply. */
    public RespValue read() throws IOException {
        RespValue quick = quickReply();
        if (quick != null) {
            return quick;
        }
        String line = readLine();
        if (line.isEmpty()) {
            throw new RespProtocolException("an empty line where a RESP reply was expected");
        }
        char type = line.charAt(0);
        String rest = line.substring(1);
        switch (type) {
            case '+':
                return new RespValue.SimpleString(rest);
            case '-':
                return new RespValue.Error(rest);
            case ':':
                return new RespValue.Integer(number(rest));
            case '$': {
                long len = number(rest);
                if (len < 0) {
                    return new RespValue.Bulk(null);
                }
                if (len > MAX_BULK) {
                    throw new RespProtocolException("a bulk reply of " + len + " bytes");
                }
                byte[] data = new byte[(int) len];
                readFully(data, 0, data.length);
                if (readByte() != '\r' || readByte() != '\n') {
                    throw new RespProtocolException("CRLF after a bulk reply of " + len + " bytes");
                }
                return new RespValue.Bulk(data);
            }
            case '*': {
                long n = number(rest);
                if (n < 0) {
                    return new RespValue.Array(null);
                }
                List<RespValue> items = new ArrayList<>((int) Math.min(n, 1024));
                for (long i = 0; i < n; i++) {
                    items.add(read());
                }
                return new RespValue.Array(items);
            }
            default:
                throw new RespProtocolException("a RESP reply type (+ - : $ *), got '" + printable(line) + "'");
        }
    }

    /**
     * {@code +OK}, {@code +QUEUED} or {@code :n} when the whole line is in the buffer: the replies to
     * pipelined writes, read without building a line; null for anything else (read the general way).
     */
    private RespValue quickReply() {
        if (pos >= limit) {
            return null;
        }
        byte type = buf[pos];
        if (type == '+') {
            if (lineIs(OK_LINE)) {
                pos += OK_LINE.length;
                return OK;
            }
            if (lineIs(QUEUED_LINE)) {
                pos += QUEUED_LINE.length;
                return QUEUED;
            }
            return null;
        }
        if (type != ':') {
            return null;
        }
        int i = pos + 1;
        boolean negative = i < limit && buf[i] == '-';
        if (negative) {
            i++;
        }
        long value = 0;
        int digits = 0;
        while (i < limit && buf[i] >= '0' && buf[i] <= '9' && digits < QUICK_DIGITS) {
            value = value * 10 + (buf[i++] - '0');
            digits++;
        }
        if (digits == 0 || i + 1 >= limit || buf[i] != '\r' || buf[i + 1] != '\n') {
            return null;
        }
        pos = i + 2;
        return new RespValue.Integer(negative ? -value : value);
    }

    private boolean lineIs(byte[] line) {
        return limit - pos >= line.length && java.util.Arrays.equals(buf, pos, pos + line.length, line, 0, line.length);
    }

    private static long number(String s) throws RespProtocolException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new RespProtocolException("a number in a RESP header, got '" + printable(s) + "'");
        }
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 80); i++) {
            char c = s.charAt(i);
            b.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.toString();
    }
}
