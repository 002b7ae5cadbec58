package io.slotferry.rdb;

import io.slotferry.rdb.encoding.CorruptEncodingException;
import io.slotferry.rdb.encoding.ElementCursor;
import io.slotferry.rdb.encoding.Intset;
import io.slotferry.rdb.encoding.Listpack;
import io.slotferry.rdb.encoding.Ziplist;
import io.slotferry.rdb.encoding.Zipmap;
import java.io.IOException;
import java.util.Arrays;

/**
 * Values stored as encoded blobs: one blob (zipmap, ziplist, intset, listpack, listpack-ex) or a
 * quicklist of blobs (ziplist nodes in RDB 7-9; PACKED listpack / PLAIN nodes since RDB 10).
 * Elements are grouped into the type's shape: single elements, member+score pairs, field+value
 * pairs, or field+value+TTL triplets.
 */
final class BlobCursor extends ValueCursor.ChunkedCursor {
    private final RdbType type;
    private ElementCursor blob;
    private long blobOffset;
    private long nodesLeft = -1;

    BlobCursor(RdbType type, RdbInput in, RdbStrings strings, RdbOptions options) {
        super(type.valueType(), in, strings, options);
        this.type = type;
    }

    @Override
    boolean produce() throws IOException {
        while (blob == null || !blob.hasNext()) {
            if (!openNextBlob()) {
                return false;
            }
        }
        try {
            switch (type.valueType()) {
                case LIST, SET -> {
                    byte[] e = blob.next();
                    add(e, e.length);
                }
                case ZSET -> {
                    byte[] m = blob.next();
                    requireMore("a sorted set score after its member");
                    byte[] s = blob.next();
                    add(new ScoredMember(m, strings.parseDouble(s, "a sorted set score")), m.length + 8);
                }
                case HASH -> {
                    byte[] f = blob.next();
                    requireMore("a hash value after its field");
                    byte[] v = blob.next();
                    long expireAt = -1;
                    if (type == RdbType.HASH_LISTPACK_EX || type == RdbType.HASH_LISTPACK_EX_PRE_GA) {
                        requireMore("a field TTL after the field's value");
                        long ttl = blob.nextLong();
                        expireAt = ttl == 0 ? -1 : ttl; // 0 means the field has no TTL
                    }
                    add(new HashField(f, v, expireAt), f.length + v.length);
                }
                default -> throw new IllegalStateException(type.toString());
            }
        } catch (CorruptEncodingException e) {
            throw corrupt(e, blobOffset, type.encoding());
        }
        return true;
    }

    private void requireMore(String what) throws RdbFormatException {
        if (!blob.hasNext()) {
            throw new RdbFormatException(blobOffset, what + " in the " + type.encoding() + " blob", "but the blob ended");
        }
    }

    /** Reads the next blob of this value; false when there is none. */
    private boolean openNextBlob() throws IOException {
        boolean quicklist = type == RdbType.LIST_QUICKLIST || type == RdbType.LIST_QUICKLIST_2;
        if (!quicklist) {
            if (nodesLeft == 0) {
                return false;
            }
            nodesLeft = 0;
            if (type == RdbType.HASH_LISTPACK_EX) {
                // The listpack holds each field's absolute TTL; this cached minimum is redundant.
                in.readLongLE("the minimum field expiry of a hash");
            }
            blobOffset = in.offset();
            byte[] bytes = strings.readString(type.blobDescription());
            blob = decode(type, bytes);
            return true;
        }
        if (nodesLeft < 0) {
            nodesLeft = strings.readLength("the node count of a quicklist");
        }
        if (nodesLeft == 0) {
            return false;
        }
        nodesLeft--;
        boolean plain = false;
        if (type == RdbType.LIST_QUICKLIST_2) {
            long container = strings.readLength("a quicklist node container (1 PLAIN, 2 PACKED)");
            if (container != 1 && container != 2) {
                throw in.error("a quicklist node container 1 (PLAIN) or 2 (PACKED)", "but found " + container);
            }
            plain = container == 1;
        }
        blobOffset = in.offset();
        byte[] bytes = strings.readString("a quicklist node");
        if (plain) {
            blob = ElementCursor.single(bytes);
        } else {
            // An empty node is skipped by produce()'s loop, as Redis skips it on load.
            blob = decode(type == RdbType.LIST_QUICKLIST ? RdbType.LIST_ZIPLIST : RdbType.SET_LISTPACK, bytes);
        }
        return true;
    }

    private ElementCursor decode(RdbType encodingOf, byte[] bytes) throws RdbFormatException {
        try {
            return switch (encodingOf) {
                case HASH_ZIPMAP -> new Zipmap(bytes);
                case LIST_ZIPLIST, ZSET_ZIPLIST, HASH_ZIPLIST -> new Ziplist(bytes);
                case SET_INTSET -> new Intset(bytes);
                default -> new Listpack(bytes);
            };
        } catch (CorruptEncodingException e) {
            throw corrupt(e, blobOffset, encodingOf.encoding());
        }
    }

    /** Structural check of one blob without materialising elements (raw mode). */
    static void validate(RdbType encodingOf, byte[] bytes, int length, long offset) throws RdbFormatException {
        try {
            switch (encodingOf) {
                case HASH_ZIPMAP -> { // Redis <= 2.4 only: not worth a slice variant
                    Zipmap z = new Zipmap(length == bytes.length ? bytes : Arrays.copyOf(bytes, length));
                    while (z.hasNext()) {
                        z.next();
                    }
                }
                case LIST_ZIPLIST, ZSET_ZIPLIST, HASH_ZIPLIST, LIST_QUICKLIST -> new Ziplist(bytes, length).validateAll();
                case SET_INTSET -> new Intset(bytes, length);
                default -> new Listpack(bytes, length).validateAll();
            }
        } catch (CorruptEncodingException e) {
            throw corrupt(e, offset, encodingOf.encoding());
        }
    }
}
