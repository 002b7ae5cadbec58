package io.slotferry.rdb;

import io.slotferry.rdb.encoding.CorruptEncodingException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decoded-mode state of one value being read: each {@link #next()} returns one bounded chunk event,
 * or null once the value is fully consumed. Chunks close at {@link RdbOptions#chunkElements()}
 * elements or about {@link RdbOptions#chunkBytes()} bytes, so memory does not depend on the size of
 * the collection.
 */
abstract class ValueCursor {
    protected final RdbInput in;
    protected final RdbStrings strings;
    protected final RdbOptions options;

    ValueCursor(RdbInput in, RdbStrings strings, RdbOptions options) {
        this.in = in;
        this.strings = strings;
        this.options = options;
    }

    /** The next chunk of this value, or null when the value has been read completely. */
    abstract RdbEvent next() throws IOException;

    static RdbFormatException corrupt(CorruptEncodingException e, long blobOffset, String what) {
        return new RdbFormatException(blobOffset, e.expected() + " (" + what + " blob starting here, position "
                + e.position() + " inside it)", e.problem());
    }

    /** The chunk event of a list, set, sorted set or hash holding {@code items}. */
    @SuppressWarnings("unchecked")
    static RdbEvent collectionChunk(ValueType type, List<Object> items) {
        List<?> list = items;
        return switch (type) {
            case LIST -> new RdbEvent.ListElements((List<byte[]>) list);
            case SET -> new RdbEvent.SetMembers((List<byte[]>) list);
            case ZSET -> new RdbEvent.SortedSetEntries((List<ScoredMember>) list);
            case HASH -> new RdbEvent.HashFields((List<HashField>) list);
            default -> throw new IllegalStateException(type.toString());
        };
    }

    /** A collection read element by element: subclasses add elements, this class cuts the chunks. */
    abstract static class ChunkedCursor extends ValueCursor {
        private final ValueType type;
        private List<Object> chunk;
        private long chunkSize;
        private boolean exhausted;

        ChunkedCursor(ValueType type, RdbInput in, RdbStrings strings, RdbOptions options) {
            super(in, strings, options);
            this.type = type;
        }

        @Override
        RdbEvent next() throws IOException {
            while (!exhausted) {
                chunk = new ArrayList<>();
                chunkSize = 0;
                while (chunk.size() < options.chunkElements() && chunkSize < options.chunkBytes()) {
                    if (!produce()) {
                        exhausted = true;
                        break;
                    }
                }
                if (!chunk.isEmpty()) {
                    return collectionChunk(type, chunk);
                }
            }
            return null;
        }

        /** Adds the next element to the current chunk; false once the value has nothing more. */
        abstract boolean produce() throws IOException;

        void add(Object item, long size) {
            chunk.add(item);
            chunkSize += size + 16;
        }
    }

    /** Creates the cursor for a value of {@code type} whose bytes start at the input's position. */
    static ValueCursor open(RdbType type, RdbInput in, RdbStrings strings, RdbOptions options) throws IOException {
        return switch (type) {
            case STRING -> new StringCursor(in, strings, options);
            case LIST, SET, ZSET, ZSET_2, HASH, HASH_METADATA, HASH_METADATA_PRE_GA ->
                    new CountedCursor(type, in, strings, options);
            case STREAM_LISTPACKS, STREAM_LISTPACKS_2, STREAM_LISTPACKS_3 -> new StreamCursor(type, in, strings, options);
            case MODULE_PRE_GA, MODULE_2 -> throw new IllegalStateException("module values are handled by the reader");
            default -> new BlobCursor(type, in, strings, options);
        };
    }

    /** A top-level string: one event, or pieces of {@code chunkBytes} for long unencoded strings. */
    static final class StringCursor extends ValueCursor {
        private long remaining = -1;
        private boolean started;

        StringCursor(RdbInput in, RdbStrings strings, RdbOptions options) {
            super(in, strings, options);
        }

        @Override
        RdbEvent next() throws IOException {
            if (!started) {
                started = true;
                int prefix = in.readUnsignedByte("a string value");
                long len = strings.rawLengthFromPrefix(prefix, "a string value");
                if (len < 0) {
                    return new RdbEvent.StringValue(strings.readEncodedRest(prefix, "a string value"));
                }
                remaining = len;
                return piece();
            }
            return remaining > 0 ? piece() : null;
        }

        private RdbEvent piece() throws IOException {
            int n = (int) Math.min(remaining, options.chunkBytes());
            remaining -= n;
            return new RdbEvent.StringValue(in.readBytes(n, "a string value"));
        }
    }

    /** Collections stored element by element: linked list, hashtable set and hash, skiplist zset. */
    static final class CountedCursor extends ChunkedCursor {
        private final RdbType type;
        private long remaining = -1;
        private long minExpire;

        CountedCursor(RdbType type, RdbInput in, RdbStrings strings, RdbOptions options) {
            super(type.valueType(), in, strings, options);
            this.type = type;
        }

        @Override
        boolean produce() throws IOException {
            if (remaining < 0) {
                if (type == RdbType.HASH_METADATA) {
                    minExpire = in.readLongLE("the minimum field expiry of a hash");
                }
                remaining = strings.readLength("the element count of a " + type);
            }
            if (remaining == 0) {
                return false;
            }
            remaining--;
            switch (type) {
                case LIST, SET -> {
                    byte[] e = strings.readString("a " + type.valueType().wireName() + " element");
                    add(e, e.length);
                }
                case ZSET, ZSET_2 -> {
                    byte[] m = strings.readString("a sorted set member");
                    double score = type == RdbType.ZSET ? strings.readStringDouble("a sorted set score")
                            : strings.readBinaryDouble("a sorted set score");
                    add(new ScoredMember(m, score), m.length + 8);
                }
                case HASH -> addField(-1);
                case HASH_METADATA -> {
                    long ttl = strings.readLength("a hash field TTL");
                    addField(ttl == 0 ? -1 : ttl + minExpire - 1);
                }
                case HASH_METADATA_PRE_GA -> {
                    long at = in.readLongLE("a hash field expiry");
                    addField(at == 0 ? -1 : at);
                }
                default -> throw new IllegalStateException(type.toString());
            }
            return true;
        }

        private void addField(long expireAt) throws IOException {
            byte[] f = strings.readString("a hash field");
            byte[] v = strings.readString("a hash value");
            add(new HashField(f, v, expireAt), f.length + v.length);
        }
    }
}
