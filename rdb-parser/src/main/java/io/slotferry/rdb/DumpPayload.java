package io.slotferry.rdb;

import java.util.Arrays;

/**
 * The serialization {@code DUMP} returns and {@code RESTORE} takes: the RDB type byte, the value bytes
 * exactly as an RDB file holds them after the type byte, the RDB version (2 bytes, little-endian) and the
 * CRC-64/Jones ({@link Crc64}, 8 bytes, little-endian) of everything before it. Building one needs no
 * decoding, and a parsed one looks downstream like a key read from a file.
 *
 * @param type the value's type
 * @param value the serialized value, without type byte and trailer
 * @param rdbVersion the RDB version the payload is stamped with
 */
public record DumpPayload(RdbType type, byte[] value, int rdbVersion) {
    /** Version (2 bytes) + CRC-64 (8 bytes). */
    public static final int TRAILER = 10;

    /** This payload's bytes. */
    public byte[] bytes() {
        return build(type.code(), value, rdbVersion);
    }

    /** The payload of a value of type byte {@code typeCode} whose serialized bytes are {@code value}. */
    public static byte[] build(int typeCode, byte[] value, int rdbVersion) {
        byte[] p = new byte[1 + value.length + TRAILER];
        p[0] = (byte) typeCode;
        System.arraycopy(value, 0, p, 1, value.length);
        return stamp(p, rdbVersion);
    }

    /**
     * Completes, in place, a payload whose type byte and value bytes are set and whose last {@link #TRAILER}
     * bytes are free (a value {@code p} read with {@link RdbOptions#dumpFrames()}): writes the version and the CRC-64.
     *
     * @return {@code p}
     */
    public static byte[] stamp(byte[] p, int rdbVersion) {
        int v = p.length - TRAILER;
        p[v] = (byte) rdbVersion;
        p[v + 1] = (byte) (rdbVersion >>> 8);
        long c = Crc64.update(0, p, 0, p.length - 8);
        for (int i = 0; i < 8; i++) {
            p[p.length - 8 + i] = (byte) (c >>> (8 * i));
        }
        return p;
    }

    /** The RDB version stamped on {@code payload} (read, not checked). */
    public static int rdbVersion(byte[] payload) {
        int v = payload.length - TRAILER;
        return (payload[v] & 0xff) | (payload[v + 1] & 0xff) << 8;
    }

    /**
     * Checks and splits one payload.
     *
     * @throws DumpFormatException when the payload is shorter than a type byte and the trailer, its
     *     checksum is wrong or its type byte is unknown
     */
    public static DumpPayload parse(byte[] payload) throws DumpFormatException {
        if (payload.length < 1 + TRAILER) {
            throw new DumpFormatException("is " + payload.length
                    + " bytes, shorter than a type byte and the 10-byte trailer");
        }
        int crcAt = payload.length - 8;
        long stored = 0;
        for (int i = 7; i >= 0; i--) {
            stored = (stored << 8) | (payload[crcAt + i] & 0xffL);
        }
        long crc = Crc64.update(0, payload, 0, crcAt);
        if (crc != stored) {
            throw new DumpFormatException(String.format(
                    "fails its checksum: CRC-64 of its %d bytes is 0x%016x, the payload says 0x%016x",
                    crcAt, crc, stored));
        }
        RdbType type = RdbType.byCode(payload[0] & 0xff);
        if (type == null) {
            throw new DumpFormatException("has value type byte " + (payload[0] & 0xff)
                    + ", which this version does not know (a newer server or a module type?)");
        }
        return new DumpPayload(type, Arrays.copyOfRange(payload, 1, payload.length - TRAILER), rdbVersion(payload));
    }
}
