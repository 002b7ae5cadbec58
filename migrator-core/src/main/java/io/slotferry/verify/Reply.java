package io.slotferry.verify;

import io.slotferry.resp.RespValue;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads the shape a reply must have; an error reply or another shape is a {@link VerifyException}. */
final class Reply {
    private Reply() {
    }

    /** True for the error a read gets when the key changed type under it (writes continue during verify). */
    static boolean wrongType(VerifyException e) {
        return e.getMessage().contains("WRONGTYPE");
    }

    static RespValue checked(RespValue v, List<byte[]> argv) throws VerifyException {
        if (v instanceof RespValue.Error e) {
            throw new VerifyException(name(argv) + " answered " + e.message());
        }
        return v;
    }

    /** Bulk bytes (null for nil). */
    static byte[] bytes(RespValue v, List<byte[]> argv) throws VerifyException {
        RespValue r = checked(v, argv);
        if (r instanceof RespValue.Bulk b) {
            return b.bytes();
        }
        throw shape(r, argv);
    }

    static long integer(RespValue v, List<byte[]> argv) throws VerifyException {
        RespValue r = checked(v, argv);
        if (r instanceof RespValue.Integer i) {
            return i.value();
        }
        throw shape(r, argv);
    }

    /** A simple string or bulk as text (status words such as TYPE's answer are ASCII). */
    static String text(RespValue v, List<byte[]> argv) throws VerifyException {
        RespValue r = checked(v, argv);
        if (r instanceof RespValue.SimpleString s) {
            return s.text();
        }
        if (r instanceof RespValue.Bulk b && b.bytes() != null) {
            return new String(b.bytes(), StandardCharsets.US_ASCII);
        }
        throw shape(r, argv);
    }

    /** Array items (empty for a nil array). */
    static List<RespValue> items(RespValue v, List<byte[]> argv) throws VerifyException {
        RespValue r = checked(v, argv);
        if (r instanceof RespValue.Array a) {
            return a.items() == null ? List.of() : a.items();
        }
        throw shape(r, argv);
    }

    private static VerifyException shape(RespValue r, List<byte[]> argv) {
        return new VerifyException(name(argv) + " answered an unexpected " + r.getClass().getSimpleName());
    }

    static String name(List<byte[]> argv) {
        return new String(argv.get(0), StandardCharsets.US_ASCII);
    }
}
