package io.slotferry.cli.rdb;

import com.fasterxml.jackson.core.JsonGenerator;
import io.slotferry.rdb.HashField;
import io.slotferry.rdb.KeyHeader;
import io.slotferry.rdb.PendingEntry;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbType;
import io.slotferry.rdb.ScoredMember;
import io.slotferry.rdb.StreamEntry;
import io.slotferry.rdb.StreamId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One key in the canonical form of the corpus manifests ({@code rdb-corpus/README.md}, "Manifest
 * format"): bytes as one JSON character each (ISO-8859-1), sets and hash fields sorted by bytes,
 * zsets by score then member, strings over 4096 bytes as {@code {"len","sha256"}}.
 *
 * <p>Sorting needs the whole collection, so this form (a debugging and test aid) holds one key at a
 * time in memory, except top-level strings, which are hashed as their chunks arrive.
 */
final class CanonicalKey {
    static final int INLINE_LIMIT = 4096;
    private static final Comparator<byte[]> BYTES = Arrays::compareUnsigned;

    private final KeyHeader header;
    private final List<byte[]> elements = new ArrayList<>();
    private final List<ScoredMember> scored = new ArrayList<>();
    private final List<HashField> fields = new ArrayList<>();
    private final List<StreamEntry> entries = new ArrayList<>();
    private final List<Group> groups = new ArrayList<>();
    private RdbEvent.StreamMetadata streamMeta;
    private RdbEvent.ModuleValue module;
    private byte[] consumerName;

    private long stringLength;
    private byte[] stringInline = new byte[0];
    private MessageDigest stringDigest;

    private record Group(RdbEvent.StreamGroup group, List<PendingEntry> pel, Map<StreamId, byte[]> owner,
                         List<RdbEvent.StreamConsumer> consumers) {
    }

    CanonicalKey(KeyHeader header) {
        this.header = header;
    }

    /** Adds one decoded value event of this key. */
    void accept(RdbEvent e) {
        if (e instanceof RdbEvent.StringValue s) {
            appendString(s.bytes());
        } else if (e instanceof RdbEvent.ListElements l) {
            elements.addAll(l.elements());
        } else if (e instanceof RdbEvent.SetMembers s) {
            elements.addAll(s.members());
        } else if (e instanceof RdbEvent.SortedSetEntries z) {
            scored.addAll(z.entries());
        } else if (e instanceof RdbEvent.HashFields h) {
            fields.addAll(h.fields());
        } else if (e instanceof RdbEvent.StreamEntries s) {
            entries.addAll(s.entries());
        } else if (e instanceof RdbEvent.StreamMetadata m) {
            streamMeta = m;
        } else if (e instanceof RdbEvent.StreamGroup g) {
            groups.add(new Group(g, new ArrayList<>(), new TreeMap<>(), new ArrayList<>()));
        } else if (e instanceof RdbEvent.StreamPending p) {
            lastGroup().pel().addAll(p.entries());
        } else if (e instanceof RdbEvent.StreamConsumer c) {
            lastGroup().consumers().add(c);
            consumerName = c.name();
        } else if (e instanceof RdbEvent.StreamConsumerPending p) {
            for (StreamId id : p.ids()) {
                lastGroup().owner().put(id, consumerName);
            }
        } else if (e instanceof RdbEvent.ModuleValue m) {
            module = m;
        } else {
            throw new IllegalArgumentException("not a value event: " + e.getClass().getSimpleName());
        }
    }

    private Group lastGroup() {
        return groups.get(groups.size() - 1);
    }

    private void appendString(byte[] chunk) {
        stringLength += chunk.length;
        if (stringDigest == null && stringLength <= INLINE_LIMIT) {
            byte[] joined = Arrays.copyOf(stringInline, stringInline.length + chunk.length);
            System.arraycopy(chunk, 0, joined, stringInline.length, chunk.length);
            stringInline = joined;
            return;
        }
        if (stringDigest == null) {
            stringDigest = sha256();
            stringDigest.update(stringInline);
            stringInline = null;
        }
        stringDigest.update(chunk);
    }

    void write(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeNumberField("db", header.db());
        g.writeStringField("key", latin1(header.key()));
        g.writeStringField("type", header.type().valueType().wireName());
        g.writeFieldName("value");
        switch (header.type().valueType()) {
            case STRING -> writeString(g);
            case LIST -> writeArray(g, elements);
            case SET -> {
                elements.sort(BYTES);
                writeArray(g, elements);
            }
            case ZSET -> writeZset(g);
            case HASH -> writeHash(g);
            case STREAM -> writeStream(g);
            case MODULE -> g.writeNull();
            default -> throw new IllegalStateException(header.type().toString());
        }
        if (module != null) {
            g.writeStringField("module_type", module.module().name());
            g.writeNumberField("module_encver", module.module().encodingVersion());
        }
        g.writeFieldName("expire_ms");
        if (header.hasExpire()) {
            g.writeNumber(header.expireAtMs());
        } else {
            g.writeNull();
        }
        if (fields.stream().anyMatch(f -> f.expireAtMs() != -1)) {
            g.writeObjectFieldStart("field_expires_ms");
            for (HashField f : sortedFields()) {
                if (f.expireAtMs() != -1) {
                    g.writeNumberField(latin1(f.field()), f.expireAtMs());
                }
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private void writeString(JsonGenerator g) throws IOException {
        if (stringDigest == null) {
            writeBytes(g, stringInline);
        } else {
            g.writeStartObject();
            g.writeNumberField("len", stringLength);
            g.writeStringField("sha256", HexFormat.of().formatHex(stringDigest.digest()));
            g.writeEndObject();
        }
    }

    private void writeZset(JsonGenerator g) throws IOException {
        scored.sort(Comparator.comparingDouble(ScoredMember::score).thenComparing(ScoredMember::member, BYTES));
        g.writeStartArray();
        for (ScoredMember m : scored) {
            g.writeStartArray();
            writeBytes(g, m.member());
            writeScore(g, m.score());
            g.writeEndArray();
        }
        g.writeEndArray();
    }

    private List<HashField> sortedFields() {
        List<HashField> sorted = new ArrayList<>(fields);
        sorted.sort(Comparator.comparing(HashField::field, BYTES));
        return sorted;
    }

    private void writeHash(JsonGenerator g) throws IOException {
        g.writeStartObject();
        for (HashField f : sortedFields()) {
            g.writeFieldName(latin1(f.field()));
            writeBytes(g, f.value());
        }
        g.writeEndObject();
    }

    private void writeStream(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeNumberField("length", streamMeta.length());
        g.writeStringField("last_id", streamMeta.lastId().toString());
        boolean v2 = header.type() != RdbType.STREAM_LISTPACKS;
        if (v2) {
            g.writeStringField("first_id", streamMeta.firstId().toString());
            g.writeStringField("max_deleted_entry_id", streamMeta.maxDeletedId().toString());
            g.writeNumberField("entries_added", streamMeta.entriesAdded());
        }
        g.writeArrayFieldStart("entries");
        for (StreamEntry e : entries) {
            g.writeStartArray();
            g.writeString(e.id().toString());
            writeArray(g, e.fieldsAndValues());
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("groups");
        for (Group grp : groups) {
            g.writeStartObject();
            g.writeStringField("name", latin1(grp.group().name()));
            g.writeStringField("last_delivered_id", grp.group().lastDeliveredId().toString());
            if (v2) {
                g.writeFieldName("entries_read");
                if (grp.group().entriesRead() == -1) {
                    g.writeNull();
                } else {
                    g.writeNumber(grp.group().entriesRead());
                }
            }
            g.writeArrayFieldStart("pending");
            for (PendingEntry p : grp.pel()) {
                g.writeStartArray();
                g.writeString(p.id().toString());
                byte[] owner = grp.owner().get(p.id());
                if (owner == null) {
                    g.writeNull();
                } else {
                    g.writeString(latin1(owner));
                }
                g.writeNumber(p.deliveryCount());
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("consumers");
            for (RdbEvent.StreamConsumer c : grp.consumers()) {
                g.writeStartObject();
                g.writeStringField("name", latin1(c.name()));
                g.writeNumberField("pending", c.pendingCount());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeArray(JsonGenerator g, List<byte[]> items) throws IOException {
        g.writeStartArray();
        for (byte[] b : items) {
            writeBytes(g, b);
        }
        g.writeEndArray();
    }

    static void writeScore(JsonGenerator g, double score) throws IOException {
        if (Double.isInfinite(score)) {
            g.writeString(score > 0 ? "inf" : "-inf");
        } else if (Double.isNaN(score)) {
            g.writeString("nan");
        } else {
            g.writeNumber(score);
        }
    }

    static void writeBytes(JsonGenerator g, byte[] b) throws IOException {
        if (b.length > INLINE_LIMIT) {
            g.writeStartObject();
            g.writeNumberField("len", b.length);
            g.writeStringField("sha256", HexFormat.of().formatHex(sha256().digest(b)));
            g.writeEndObject();
        } else {
            g.writeString(latin1(b));
        }
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
