package io.slotferry.replication.scan;

import io.slotferry.rdb.Crc64;
import io.slotferry.rdb.RdbType;
import java.util.Arrays;

/**
 * A {@code DUMP} reply taken apart: type byte, serialized value, RDB version (2 bytes LE) and
 * CRC-64 (8 bytes LE, over everything before it). The value bytes are what an RDB file holds after
 * the type byte, so a SCAN key and a file key look the same downstream.
 */
record DumpPayload(RdbType type, byte[] value, int rdbVersion) {
    /** Version (2) + CRC-64 (8). */
    static final int TRAILER = 10;

    /**
     * Checks and splits one payload.
     *
     * @throws DumpPayloadException naming the key and db when the payload is too short, its
     *     checksum is wrong or its type byte is unknown
     */
    static DumpPayload parse(byte[] key, int db, byte[] payload) throws DumpPayloadException {
        if (payload.length < 1 + TRAILER) {
            throw new DumpPayloadException(key, "the DUMP of " + describe(key, db) + " is " + payload.length
                    + " bytes, shorter than a type byte and the 10-byte trailer");
        }
        int crcAt = payload.length - 8;
        long stored = 0;
        for (int i = 7; i >= 0; i--) {
            stored = (stored << 8) | (payload[crcAt + i] & 0xffL);
        }
        Crc64 crc = new Crc64();
        crc.update(payload, 0, crcAt);
        if (crc.value() != stored) {
            throw new DumpPayloadException(key, String.format(
                    "the DUMP of %s fails its checksum: CRC-64 of its %d bytes is 0x%016x, the payload says 0x%016x",
                    describe(key, db), crcAt, crc.value(), stored));
        }
        RdbType type = RdbType.byCode(payload[0] & 0xff);
        if (type == null) {
            throw new DumpPayloadException(key, "the DUMP of " + describe(key, db) + " has value type byte "
                    + (payload[0] & 0xff) + ", which this version does not know (a newer server or a module type?)");
        }
        int version = (payload[crcAt - 2] & 0xff) | (payload[crcAt - 1] & 0xff) << 8;
        return new DumpPayload(type, Arrays.copyOfRange(payload, 1, payload.length - TRAILER), version);
    }

    /** {@code key "user:\x01" in db 3}: bytes outside printable ASCII escaped, long keys cut. */
    static String describe(byte[] key, int db) {
        return "key " + io.slotferry.resp.KeyText.printable(key) + " in db " + db;
    }
}
