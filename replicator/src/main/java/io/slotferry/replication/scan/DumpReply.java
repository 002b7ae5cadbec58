package io.slotferry.replication.scan;

import io.slotferry.rdb.DumpFormatException;
import io.slotferry.rdb.DumpPayload;
import io.slotferry.resp.KeyText;

/** A source's {@code DUMP} reply for one key: its {@link DumpPayload}, and errors that name the key. */
final class DumpReply {
    private DumpReply() {
    }

    /**
     * Checks and splits one payload.
     *
     * @throws DumpPayloadException naming the key and db when the payload is too short, its
     *     checksum is wrong or its type byte is unknown
     */
    static DumpPayload parse(byte[] key, int db, byte[] payload) throws DumpPayloadException {
        try {
            return DumpPayload.parse(payload);
        } catch (DumpFormatException e) {
            throw new DumpPayloadException(key, "the DUMP of " + describe(key, db) + " " + e.problem());
        }
    }

    /** {@code key "user:\x01" in db 3}: bytes outside printable ASCII escaped, long keys cut. */
    static String describe(byte[] key, int db) {
        return "key " + KeyText.printable(key) + " in db " + db;
    }
}
