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

    private static void header(ByteArrayOutputStream out, char type, long n) {
        out.write(type);
        byte[] digits = Long.toString(n).getBytes(StandardCharsets.US_ASCII);
        out.write(digits, 0, digits.length);
        out.write('\r');
        out.write('\n');
    }
}
