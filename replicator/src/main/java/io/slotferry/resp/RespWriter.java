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
        long n = 1 + digits(argv.size()) + 2;
        for (int i = 0, size = argv.size(); i < size; i++) { // indexed: no iterator per write (C1 keeps them on the heap)
            byte[] a = argv.get(i);
            n += 1 + digits(a.length) + 2 + a.length + 2;
        }
        return n;
    }

    /** Encodes {@code argv} at {@code buf[at]} (which has room: {@link #encodedLength}); returns the end. */
    public static int encode(List<byte[]> argv, byte[] buf, int at) {
        at = header(buf, at, '*', argv.size());
        for (int i = 0, size = argv.size(); i < size; i++) {
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

    private static int digits(int n) {
        int d = 1;
        while (n >= 10) {
            n /= 10;
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
