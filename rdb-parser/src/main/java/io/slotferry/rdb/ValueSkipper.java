package io.slotferry.rdb;

import java.io.IOException;

/**
 * Raw mode: walks a value's structure to find where it ends, without building elements, while
 * {@link RdbInput} captures its bytes. Encoded blobs are still checked structurally (when asked),
 * because a raw payload goes to RESTORE on the target and a corrupt ziplist must not get that far.
 */
final class ValueSkipper {
    private final RdbInput in;
    private final RdbStrings strings;
    private final boolean validateBlobs;

    ValueSkipper(RdbInput in, RdbStrings strings, boolean validateBlobs) {
        this.in = in;
        this.strings = strings;
        this.validateBlobs = validateBlobs;
    }

    void skip(RdbType type) throws IOException {
        switch (type) {
            case STRING -> strings.skipString("a string value");
            case LIST, SET -> skipStrings(strings.readLength("an element count"), 1);
            case HASH -> skipStrings(strings.readLength("a field count"), 2);
            case ZSET -> {
                long n = strings.readLength("a sorted set size");
                for (long i = 0; i < n; i++) {
                    strings.skipString("a sorted set member");
                    strings.skipStringDouble("a sorted set score");
                }
            }
            case ZSET_2 -> {
                long n = strings.readLength("a sorted set size");
                for (long i = 0; i < n; i++) {
                    strings.skipString("a sorted set member");
                    in.skip(8, "a sorted set score");
                }
            }
            case HASH_METADATA -> {
                in.skip(8, "the minimum field expiry of a hash");
                long n = strings.readLength("a field count");
                for (long i = 0; i < n; i++) {
                    strings.readLength("a hash field TTL");
                    skipStrings(1, 2);
                }
            }
            case HASH_METADATA_PRE_GA -> {
                long n = strings.readLength("a field count");
                for (long i = 0; i < n; i++) {
                    in.skip(8, "a hash field expiry");
                    skipStrings(1, 2);
                }
            }
            case HASH_LISTPACK_EX -> {
                in.skip(8, "the minimum field expiry of a hash");
                blob(type);
            }
            case LIST_QUICKLIST -> {
                long n = strings.readLength("the node count of a quicklist");
                for (long i = 0; i < n; i++) {
                    blob(RdbType.LIST_ZIPLIST);
                }
            }
            case LIST_QUICKLIST_2 -> {
                long n = strings.readLength("the node count of a quicklist");
                for (long i = 0; i < n; i++) {
                    long container = strings.readLength("a quicklist node container");
                    if (container == 1) {
                        strings.skipString("a PLAIN quicklist node");
                    } else if (container == 2) {
                        blob(RdbType.SET_LISTPACK);
                    } else {
                        throw in.error("a quicklist node container 1 (PLAIN) or 2 (PACKED)", "but found " + container);
                    }
                }
            }
            case STREAM_LISTPACKS, STREAM_LISTPACKS_2, STREAM_LISTPACKS_3 -> skipStream(type);
            case MODULE_2 -> ModuleItems.skipValue(in, strings);
            case MODULE_PRE_GA -> throw ModuleItems.preGa(in);
            default -> blob(type);
        }
    }

    private void skipStrings(long count, int perElement) throws IOException {
        for (long i = 0; i < count * perElement; i++) {
            strings.skipString("a collection element");
        }
    }

    private void blob(RdbType encodingOf) throws IOException {
        if (!validateBlobs) {
            strings.skipString(encodingOf.blobDescription());
            return;
        }
        long offset = in.offset();
        byte[] bytes = strings.readReused(encodingOf.blobDescription()); // nothing allocated per blob
        BlobCursor.validate(encodingOf, bytes, strings.reusedLength(), offset);
    }

    private void skipStream(RdbType type) throws IOException {
        long nodes = strings.readLength("the listpack node count of a stream");
        for (long i = 0; i < nodes; i++) {
            strings.skipString("a stream node master ID");
            blob(RdbType.STREAM_LISTPACKS);
        }
        strings.readLength("a stream length");
        int ids = type == RdbType.STREAM_LISTPACKS ? 1 : 3;
        for (int i = 0; i < ids * 2; i++) {
            strings.readUnsignedLength("a stream ID part");
        }
        if (type != RdbType.STREAM_LISTPACKS) {
            strings.readUnsignedLength("a stream's entries-added counter");
        }
        long groups = strings.readLength("a stream's consumer group count");
        for (long g = 0; g < groups; g++) {
            strings.skipString("a consumer group name");
            strings.readUnsignedLength("a group's last ID");
            strings.readUnsignedLength("a group's last ID");
            if (type != RdbType.STREAM_LISTPACKS) {
                strings.readUnsignedLength("a group's entries-read counter");
            }
            long pel = strings.readLength("a group's pending entry count");
            for (long p = 0; p < pel; p++) {
                in.skip(24, "a PEL entry ID and delivery time");
                strings.readLength("a PEL delivery count");
            }
            long consumers = strings.readLength("a group's consumer count");
            for (long c = 0; c < consumers; c++) {
                strings.skipString("a consumer name");
                in.skip(type == RdbType.STREAM_LISTPACKS_3 ? 16 : 8, "a consumer's seen/active times");
                long owned = strings.readLength("a consumer's pending count");
                in.skip(owned * 16, "a consumer's PEL IDs");
            }
        }
    }
}
