package io.slotferry.resp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Encodes commands as RESP arrays of bulk strings. */
public final class RespWriter {
    private RespWriter() {
    }

    /** {@code *n $len arg ...} for raw arguments. */
    public static byte[] command(List<byte[]> argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        header(out, '*', argv.size());
        for (byte[] a : argv) {
            header(out, '$', a.length);
            out.write(a, 0, a.length);
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** A command from text arguments, encoded as UTF-8 (command names and numbers are ASCII). */
    public static byte[] command(String... args) {
        List<byte[]> argv = new ArrayList<>(args.length);
        for (String a : args) {
            argv.add(a.getBytes(StandardCharsets.UTF_8));
        }
        return command(argv);
    }

    /** Bytes {@link #command(List)} produces for {@code argv}, computed without encoding. */
    public static long encodedLength(List<byte[]> argv) {
        int size = argv.size();
        long n = 1 + digits(size) + 2;
        for (int i = 0; i < size; i++) { // indexed: no iterator per command (the launcher runs C1, no escape analysis)
            int len = argv.get(i).length;
            n += 1 + digits(len) + 2 + len + 2;
        }
        return n;
    }

    /** Encodes {@code argv} at {@code buf[at]} (which has room: {@link #encodedLength}); returns the end. */
    public static int encode(List<byte[]> argv, byte[] buf, int at) {
        int size = argv.size();
        at = header(buf, at, '*', size);
        for (int i = 0; i < size; i++) {
            byte[] a = argv.get(i);
            at = header(buf, at, '$', a.length);
            System.arraycopy(a, 0, buf, at, a.length);
            at += a.length;
            buf[at++] = '\r';
            buf[at++] = '\n';
        }
        return at;
    }

    private static int header(byte[] buf, int at, char type, int n) {
        buf[at++] = (byte) type;
        if (n < 10) {
            buf[at] = (byte) ('0' + n);
            buf[at + 1] = '\r';
            buf[at + 2] = '\n';
            return at + 3;
        }
        int d = digits(n);
        for (int i = at + d - 1; i >= at; i--) {
            buf[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        at += d;
        buf[at++] = '\r';
        buf[at++] = '\n';
        return at;
    }

    /** Decimal digits of {@code n >= 0}: comparisons, as C1 compiles a division by 10 to a real division. */
    private static int digits(int n) {
        if (n < 10) {
            return 1;
        }
        if (n < 100) {
            return 2;
        }
        if (n < 1000) {
            return 3;
        }
        if (n < 10000) {
            return 4;
        }
        int d = 5;
        for (int limit = 100000; d < 10 && n >= limit; limit *= 10) {
            d++;
        }
        return d;
    }

    private static void header(ByteArrayOutputStream out, char type, long n) {
        out.write(type);
        byte[] digits = Long.toString(n).getBytes(StandardCharsets.US_ASCII);
        out.write(digits, 0, digits.length);
        out.write('\r');
        out.write('\n');
    }
}
