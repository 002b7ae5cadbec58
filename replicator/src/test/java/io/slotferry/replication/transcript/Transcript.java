package io.slotferry.replication.transcript;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotferry.replication.ReplicationId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One capture of {@code ../shared/replication-transcripts} ({@code replication-transcript/1}): the
 * manifest fields the replication tests need, and access to the {@code .bin} bytes the master sent.
 * All offsets are byte offsets into the {@code .bin} unless named {@code ...ReplOffset...}; manifest
 * strings map to bytes one character per byte (ISO-8859-1), as the manifest format specifies.
 *
 * @param directory              folder holding the capture's files
 * @param name                   capture name, e.g. {@code redis-7.0.15-diskless}
 * @param transfer               {@code disk}, {@code diskless} or {@code none (partial resync)}
 * @param syncCommand            what the capture tool sent: {@code PSYNC} or {@code SYNC}
 * @param syncReply              the master's answer to it
 * @param handshake              commands sent during the handshake with the master's replies
 * @param keepaliveNewlineOffsets bare {@code \n} keep-alives before the RDB bulk
 * @param rdb                    the RDB transfer; null for partial-resync captures
 * @param stream                 the command stream section
 * @param streamCommands         every command of the stream, in order
 * @param masterReplOffsetEnd    master replication offset at the end of the capture
 * @param resumedFrom            for {@code -continue} captures: what the capture resumed; null otherwise
 * @param migratedCodisSlots     Codis slots moved during a slot-migration capture; empty otherwise
 * @param datasetTypes           the master's final dataset as db, then key (ISO-8859-1), then type
 */
public record Transcript(Path directory, String name, String transfer, String syncCommand, SyncReply syncReply,
                         List<HandshakeStep> handshake, List<Long> keepaliveNewlineOffsets, Rdb rdb,
                         StreamSection stream, List<StreamCommand> streamCommands, long masterReplOffsetEnd,
                         Resume resumedFrom, List<Integer> migratedCodisSlots,
                         Map<Integer, Map<String, String>> datasetTypes) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTINUE_SUFFIX = "-continue";

    /** The master's reply to PSYNC/SYNC; {@code offset} is -1 and {@code replid} null where the line has none. */
    public record SyncReply(String type, String line, String replid, long offset, long offsetInBin) {
    }

    /** One handshake command and the master's reply ({@code reply} null when it sent none, as for SYNC). */
    public record HandshakeStep(List<String> sent, String reply, long replyOffset) {
    }

    /**
     * The RDB transfer. The payload is {@code .bin[payloadStart, payloadEnd)}; {@code eofMark} is null
     * for a {@code $<len>} bulk and the 40-byte mark of a diskless {@code $EOF:} transfer otherwise.
     */
    public record Rdb(String bulkHeader, long bulkHeaderOffset, long payloadStart, long payloadEnd, long length,
                      String eofMark, String magic, int rdbVersion, String sha256) {
        /** True for a diskless transfer: the 40 mark bytes follow the payload. */
        public boolean eofMarked() {
            return eofMark != null;
        }

        /** Offset in the .bin just after the whole transfer (payload, plus the EOF mark if any). */
        public long transferEnd() {
            return eofMarked() ? payloadEnd + eofMark.length() : payloadEnd;
        }
    }

    /** The command stream: {@code .bin[start, end)}; the repl offsets are -1 for SYNC captures. */
    public record StreamSection(long start, long end, long bytes, int commands, Map<String, Integer> commandCounts,
                                long initialReplOffset, long finalReplOffset) {
    }

    /** What a {@code -continue} capture resumed: the PSYNC it sent after the first session was closed. */
    public record Resume(String ofCapture, String replid, long offsetProcessed, List<String> psyncSent) {
    }

    /**
     * One stream command. {@code replOffsetAfter} is -1 for SYNC captures. {@code db} is the database
     * selected when the command arrived (for SELECT, the one before it). With {@code argsTruncated}
     * only the first arguments are listed; {@code nargs} is always exact.
     */
    public record StreamCommand(long off, long len, long replOffsetAfter, int db, int nargs, List<Argument> args,
                                boolean argsTruncated) {
        /** The command name, upper-case. */
        public String name() {
            return args.get(0).toString().toUpperCase(Locale.ROOT);
        }

        /** The database selected after this command: SELECT changes it, nothing else in a stream does. */
        public int dbAfter() {
            return name().equals("SELECT") ? Integer.parseInt(args.get(1).toString()) : db;
        }
    }

    /** One listed argument: its exact bytes, or for values over 4096 bytes their length and SHA-256. */
    public sealed interface Argument {
        /** True when {@code actual} is this argument. */
        boolean matches(byte[] actual);

        /** The exact bytes of an argument. */
        record Exact(byte[] bytes) implements Argument {
            @Override
            public boolean matches(byte[] actual) {
                return java.util.Arrays.equals(bytes, actual);
            }

            @Override
            public String toString() {
                return new String(bytes, ISO_8859_1);
            }
        }

        /** A long argument known by its length and SHA-256 only. */
        record Digest(long length, String sha256) implements Argument {
            @Override
            public boolean matches(byte[] actual) {
                return actual.length == length && sha256Hex(actual, 0, actual.length).equals(sha256);
            }

            @Override
            public String toString() {
                return "<" + length + " bytes, sha256 " + sha256 + ">";
            }
        }
    }

    /** The captures folder: {@code slotferry.shared.dir} (set by the build) or {@code ../../shared}. */
    public static Path folder() {
        return Path.of(System.getProperty("slotferry.shared.dir", "../../shared"), "replication-transcripts");
    }

    /** Names of every full capture (each {@code *.json} with a {@code .bin}, except the {@code -continue} ones). */
    public static List<String> names() {
        try (Stream<Path> files = Files.list(folder())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".json"))
                    .map(f -> f.substring(0, f.length() - ".json".length()))
                    .filter(n -> !n.endsWith(CONTINUE_SUFFIX))
                    // sanity-check.json is a report, not a capture: it has no .bin
                    .filter(n -> Files.isRegularFile(folder().resolve(n + ".bin")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the captures in " + folder().toAbsolutePath(), e);
        }
    }

    /** Loads the manifest of capture {@code name} from {@link #folder()}. */
    public static Transcript load(String name) {
        return load(folder(), name);
    }

    /** Loads the manifest {@code <directory>/<name>.json}. */
    public static Transcript load(Path directory, String name) {
        Path file = directory.resolve(name + ".json");
        JsonNode m;
        try {
            m = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read capture manifest " + file.toAbsolutePath(), e);
        }
        JsonNode sync = m.path("sync_reply");
        SyncReply syncReply = new SyncReply(sync.path("type").asText(), text(sync, "line"), text(sync, "replid"),
                sync.path("offset").asLong(-1), sync.path("offset_in_bin").asLong(-1));
        List<HandshakeStep> handshake = new ArrayList<>();
        for (JsonNode h : m.path("handshake")) {
            handshake.add(new HandshakeStep(strings(h.path("sent")), text(h, "reply"), h.path("reply_offset").asLong(-1)));
        }
        List<Long> keepalives = new ArrayList<>();
        m.path("keepalive_newline_offsets").forEach(n -> keepalives.add(n.asLong()));
        JsonNode r = m.path("rdb");
        Rdb rdb = r.isObject() ? new Rdb(text(r, "bulk_header"), r.path("bulk_header_offset").asLong(),
                r.path("payload_start").asLong(), r.path("payload_end").asLong(), r.path("length").asLong(),
                text(r, "eof_mark"), text(r, "magic"), r.path("rdb_version").asInt(), text(r, "sha256")) : null;
        JsonNode s = m.path("stream");
        Map<String, Integer> counts = new LinkedHashMap<>();
        s.path("command_counts").fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asInt()));
        StreamSection stream = new StreamSection(s.path("start").asLong(), s.path("end").asLong(),
                s.path("bytes").asLong(), s.path("commands").asInt(), Map.copyOf(counts),
                s.path("initial_repl_offset").asLong(-1), s.path("final_repl_offset").asLong(-1));
        List<StreamCommand> commands = new ArrayList<>();
        for (JsonNode c : m.path("stream_commands")) {
            List<Argument> args = new ArrayList<>();
            for (JsonNode a : c.path("args")) {
                args.add(a.isObject() ? new Argument.Digest(a.path("len").asLong(), a.path("sha256").asText())
                        : new Argument.Exact(a.asText().getBytes(ISO_8859_1)));
            }
            commands.add(new StreamCommand(c.path("off").asLong(), c.path("len").asLong(),
                    c.path("repl_offset_after").asLong(-1), c.path("db").asInt(), c.path("nargs").asInt(),
                    List.copyOf(args), c.path("args_truncated").asBoolean(false)));
        }
        JsonNode cont = m.path("continue");
        Resume resume = cont.isObject() ? new Resume(text(cont, "of_capture"), text(cont, "replid"),
                cont.path("offset_processed").asLong(), strings(cont.path("psync_sent"))) : null;
        List<Integer> slots = new ArrayList<>();
        m.path("migration").path("codis_slots").forEach(n -> slots.add(n.asInt()));
        Map<Integer, Map<String, String>> dataset = new LinkedHashMap<>();
        m.path("dataset").fields().forEachRemaining(db -> {
            Map<String, String> types = new LinkedHashMap<>();
            db.getValue().fields().forEachRemaining(k -> types.put(k.getKey(), k.getValue().path("type").asText()));
            dataset.put(Integer.parseInt(db.getKey()), Map.copyOf(types));
        });
        return new Transcript(directory, m.path("name").asText(name), m.path("transfer").asText(),
                m.path("capture").path("sync_command").asText(), syncReply, List.copyOf(handshake),
                List.copyOf(keepalives), rdb, stream, List.copyOf(commands), m.path("master_repl_offset_end").asLong(),
                resume, List.copyOf(slots), Map.copyOf(dataset));
    }

    /** The partial-resync capture taken after this one ({@code <name>-continue}), when there is one. */
    public Optional<Transcript> continueCapture() {
        return Files.isRegularFile(directory.resolve(name + CONTINUE_SUFFIX + ".json"))
                ? Optional.of(load(directory, name + CONTINUE_SUFFIX)) : Optional.empty();
    }

    /** Every byte the master sent, checked against the manifest's size and SHA-256. */
    public byte[] readBin() {
        Path file = directory.resolve(name + ".bin");
        try {
            byte[] bin = Files.readAllBytes(file);
            JsonNode expected = JSON.readTree(directory.resolve(name + ".json").toFile()).path("files").path("bin");
            // A truncated or re-captured .bin would make every offset of the manifest wrong: fail loudly here.
            if (bin.length != expected.path("size").asLong() || !sha256Hex(bin, 0, bin.length).equals(expected.path("sha256").asText())) {
                throw new IllegalStateException(file + " does not match the size and sha256 of its manifest");
            }
            return bin;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
    }

    /** True when the capture's replica used SYNC (no replication id, no offsets). */
    public boolean isSync() {
        return syncCommand.equals("SYNC");
    }

    /** True for a partial-resync ({@code +CONTINUE}) capture. */
    public boolean isContinue() {
        return syncReply.type().equals("CONTINUE");
    }

    /** True when the RDB came as a diskless {@code $EOF:} transfer. */
    public boolean isDiskless() {
        return rdb != null && rdb.eofMarked();
    }

    /** The id of the sync reply, or {@link ReplicationId#NONE} (SYNC, bare {@code +CONTINUE}). */
    public ReplicationId replicationId() {
        return syncReply.replid() == null ? ReplicationId.NONE : new ReplicationId(syncReply.replid());
    }

    /**
     * Offset in the .bin of the first byte answering PSYNC/SYNC: the sync reply line, or for SYNC
     * captures (no reply line) the byte after the last handshake reply.
     */
    public long syncResponseStart() {
        if (syncReply.offsetInBin() >= 0) {
            return syncReply.offsetInBin();
        }
        long end = 0;
        for (HandshakeStep step : handshake) {
            if (step.reply() != null) {
                end = Math.max(end, step.replyOffset() + step.reply().length() + 2);
            }
        }
        return end;
    }

    /** Offset in the .bin just after the sync reply line (+FULLRESYNC/+CONTINUE and its CRLF). */
    public long syncReplyEnd() {
        return syncReply.line() == null ? syncResponseStart() : syncReply.offsetInBin() + syncReply.line().length() + 2;
    }

    static String sha256Hex(byte[] data, int offset, int length) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(data, offset, length);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isNull() || v.isMissingNode() ? null : v.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }
}
