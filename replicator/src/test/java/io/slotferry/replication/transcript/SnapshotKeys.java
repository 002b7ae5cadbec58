package io.slotferry.replication.transcript;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.slotferry.rdb.ChecksumStatus;
import io.slotferry.rdb.KeyHeader;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbOptions;
import io.slotferry.rdb.RdbReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The keys of a capture's RDB, read independently of the replicator with {@link RdbReader}, and the
 * cross-check of those keys against the manifest's final dataset. Keys are compared as ISO-8859-1
 * strings, the manifest's one-character-per-byte form.
 */
final class SnapshotKeys {

    /** One key of a snapshot: database, name, and logical type as TYPE reports it ({@code string}, {@code hash}, ...). */
    record Key(int db, String name, String type) {
        static Key of(KeyHeader header) {
            return new Key(header.db(), new String(header.key(), ISO_8859_1), header.type().valueType().wireName());
        }

        @Override
        public String toString() {
            return "db " + db + " " + type + " '" + name + "'";
        }
    }

    /** What the RDB of a capture holds: its header version and keys in file order. */
    record Contents(int version, List<Key> keys) {
    }

    /** The outcome of {@link #compareWithDataset}: how many keys could be checked, and the mismatches. */
    record DatasetCheck(int checked, List<String> mismatches) {
    }

    private SnapshotKeys() {
    }

    /** Parses {@code bin[payloadStart, payloadEnd)}: it must end with a valid checksum and no trailing bytes. */
    static Contents read(Transcript capture, byte[] bin) throws IOException {
        Transcript.Rdb rdb = capture.rdb();
        ByteArrayInputStream in = new ByteArrayInputStream(bin, (int) rdb.payloadStart(),
                (int) (rdb.payloadEnd() - rdb.payloadStart()));
        List<Key> keys = new ArrayList<>();
        int version = -1;
        try (RdbReader reader = RdbReader.open(in, RdbOptions.raw())) {
            for (RdbEvent e = reader.next(); e != null; e = reader.next()) {
                if (e instanceof RdbEvent.Header h) {
                    version = h.version();
                } else if (e instanceof RdbEvent.RawValue v) {
                    keys.add(Key.of(v.key()));
                } else if (e instanceof RdbEvent.End end) {
                    // A checksum that is not VALID or bytes after it would mean the payload range is wrong.
                    if (end.checksum() != ChecksumStatus.VALID || end.trailingBytes() != 0) {
                        throw new IOException(capture.name() + ": RDB slice ends with checksum " + end.checksum()
                                + " and " + end.trailingBytes() + " trailing bytes");
                    }
                }
            }
        }
        return new Contents(version, List.copyOf(keys));
    }

    /**
     * Checks that RDB keys no stream command can have changed are in the manifest's final dataset
     * with the same type (in the db SWAPDB moved them to). Keys named by a command, keys of a
     * flushed db and, in Codis migration captures, keys of the migrated slots (whose batched DELs list
     * only their first arguments) are skipped.
     */
    static DatasetCheck compareWithDataset(Transcript capture, List<Key> keys) {
        Set<String> named = new HashSet<>();
        Map<Integer, Integer> movedTo = new HashMap<>(); // original db -> db after the SWAPDBs so far
        Set<Integer> flushed = new HashSet<>();           // original dbs emptied by FLUSHDB
        boolean flushedAll = false;
        for (Transcript.StreamCommand c : capture.streamCommands()) {
            for (Transcript.Argument a : c.args().subList(1, c.args().size())) {
                named.add(a.toString());
            }
            switch (c.name()) {
                case "SWAPDB" -> {
                    int a = Integer.parseInt(c.args().get(1).toString());
                    int b = Integer.parseInt(c.args().get(2).toString());
                    for (Key k : keys) {
                        int now = movedTo.getOrDefault(k.db(), k.db());
                        movedTo.put(k.db(), now == a ? b : now == b ? a : now);
                    }
                }
                case "FLUSHDB" -> {
                    for (Key k : keys) {
                        if (movedTo.getOrDefault(k.db(), k.db()) == c.db()) {
                            flushed.add(k.db());
                        }
                    }
                }
                case "FLUSHALL" -> flushedAll = true;
                default -> {
                    // other commands name their keys, collected above
                }
            }
        }
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Key k : keys) {
            boolean migrated = capture.migratedCodisSlots().contains(codisSlot(k.name()));
            if (flushedAll || named.contains(k.name()) || flushed.contains(k.db()) || migrated) {
                continue;
            }
            checked++;
            int db = movedTo.getOrDefault(k.db(), k.db());
            String type = capture.datasetTypes().getOrDefault(db, Map.of()).get(k.name());
            if (!k.type().equals(type)) {
                missing.add(k + ": no stream command touches it, but the final dataset has "
                        + (type == null ? "no such key" : "type " + type) + " in db " + db);
            }
        }
        return new DatasetCheck(checked, List.copyOf(missing));
    }

    /** Codis' slot of a key: crc32 of its hash tag (or the whole key) modulo 1024. */
    static int codisSlot(String key) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        String tag = close < 0 ? key : key.substring(open + 1, close);
        CRC32 crc = new CRC32();
        crc.update(tag.getBytes(ISO_8859_1));
        return (int) (crc.getValue() & 1023);
    }
}
