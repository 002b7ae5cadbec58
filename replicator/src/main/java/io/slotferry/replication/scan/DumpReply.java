package io.slotferry.replication.scan;

import io.slotferry.rdb.DumpFormatException;
import io.slotferry.rdb.DumpPayload;
import io.slotferry.rdb.KeyHeader;
import io.slotferry.rdb.RdbEvent;
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

    /**
     * The key as a captured raw value of {@code p}'s type and bytes, expiring at {@code sentAtMs + ttl} ({@code ttl} is
     * its {@code PTTL}, -1 for none): the local clock when the PTTL was sent, so never later than the source's expiry.
     */
    static RdbEvent.RawValue rawValue(byte[] key, int db, DumpPayload p, long ttl, long sentAtMs) {
        long expireAtMs = ttl == -1 ? -1 : sentAtMs + ttl;
        KeyHeader header = new KeyHeader(db, key, expireAtMs, -1, -1, p.type(), -1);
        return new RdbEvent.RawValue(header, p.value(), -1, p.value().length);
    }

    /** {@code key "user:\x01" in db 3}: bytes outside printable ASCII escaped, long keys cut. */
    static String describe(byte[] key, int db) {
        return "key " + KeyText.printable(key) + " in db " + db;
    }
}
