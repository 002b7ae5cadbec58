package io.slotferry.rdb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A pull parser for RDB files: {@link #next()} returns one {@link RdbEvent} at a time, reading only
 * as much input as that event needs. Memory is bounded by the options, never by the file or a value.
 *
 * <h2>Grammar</h2>
 * (RDB version that introduced each part in brackets; numbers little-endian unless noted)
 * <pre>
 * file        = magic version body* EOF checksum? trailing*
 * magic       = "REDIS" 4 ASCII digits [1]  |  "VALKEY" 3 ASCII digits (Valkey's own versions, 80+)
 * body        = AUX(0xFA) string string                                  [7]
 *             | SELECTDB(0xFE) length
 *             | RESIZEDB(0xFB) length length                             [7]
 *             | SLOT_INFO(0xF4) length length length                     [12]
 *             | FUNCTION2(0xF5) string                                   [10]
 *             | FUNCTION_PRE_GA(0xF6) string string has-desc [string] string   [10, 7.0-rc only]
 *             | MODULE_AUX(0xF7) length(module id) length(2) length(when) module-items   [9]
 *             | key-prefix* type-byte string(key) value
 * key-prefix  = EXPIRETIME(0xFD) int32 seconds (signed)                  [1]
 *             | EXPIRETIME_MS(0xFC) int64 ms                             [3]
 *             | IDLE(0xF8) length seconds                                [9]
 *             | FREQ(0xF9) 1 byte                                        [9]
 * EOF         = 0xFF ; checksum = 8-byte CRC-64/Jones of all bytes before it, 0 = disabled   [5]
 * length      = 00xxxxxx | 01xxxxxx xxxxxxxx | 0x80 uint32 BE | 0x81 uint64 BE   [0x81: 8]
 * string      = length bytes | 0xC0 int8 | 0xC1 int16 | 0xC2 int32 | 0xC3 length(clen) length(len) LZF
 * value, by type byte:
 *   0 STRING string                         1 LIST length string*        2 SET length string*
 *   3 ZSET length (string score-string)*    4 HASH length (string string)*            [1]
 *   score-string = 1 byte n, n ASCII bytes; 253 NaN, 254 +inf, 255 -inf
 *   9 HASH_ZIPMAP, 10 LIST_ZIPLIST, 11 SET_INTSET, 12 ZSET_ZIPLIST   string(blob)    [2]
 *   13 HASH_ZIPLIST string(blob)                                                       [4]
 *   14 LIST_QUICKLIST length string(ziplist)*                                          [7]
 *   5 ZSET_2 length (string double-binary)*                                            [8]
 *   6 MODULE_PRE_GA (module data without item opcodes: cannot be skipped)              [8]
 *   7 MODULE_2 length(module id) module-items                                          [8]
 *   15 STREAM_LISTPACKS stream                                                         [9]
 *   16 HASH_LISTPACK, 17 ZSET_LISTPACK string(listpack)                                [10]
 *   18 LIST_QUICKLIST_2 length (length(1 PLAIN | 2 PACKED) string)*                    [10]
 *   19 STREAM_LISTPACKS_2 stream + first id, max deleted id, entries added, entries read [10]
 *   20 SET_LISTPACK string(listpack)                                                   [11]
 *   21 STREAM_LISTPACKS_3 as 19 + consumer active time                                 [11]
 *   22 HASH_METADATA_PRE_GA length (int64 expire, string, string)*        [12, 7.4-rc]
 *   23 HASH_LISTPACK_EX_PRE_GA string(listpack of field, value, ttl)      [12, 7.4-rc]
 *   24 HASH_METADATA int64 min-expire length (length(ttl+1 rel. to min, 0 none) string string)*  [12]
 *   25 HASH_LISTPACK_EX int64 min-expire string(listpack of field, value, absolute ttl or 0)   [12]
 * stream      = length (string(16-byte master id) string(listpack))* length(entries)
 *               length(last ms) length(last seq) [first id, max deleted id, entries added: 19+]
 *               length(groups) group*
 * group       = string(name) length(ms) length(seq) [length(entries read): 19+]
 *               length(pel) (16-byte id BE, int64 delivery time, length count)*
 *               length(consumers) (string(name) int64 seen [int64 active: 21] length(n) 16-byte id*)*
 * module-items = (length(opcode 1 sint | 2 uint | 3 float32 | 4 float64 | 5 string) item)* length(0)
 * </pre>
 * The blob layouts are documented on {@link io.slotferry.rdb.encoding.Ziplist},
 * {@link io.slotferry.rdb.encoding.Listpack}, {@link io.slotferry.rdb.encoding.Intset},
 * {@link io.slotferry.rdb.encoding.Zipmap} and {@link io.slotferry.rdb.encoding.Lzf}.
 *
 * <p>Every violation raises {@link RdbFormatException} with the byte offset. Bytes after the
 * checksum are tolerated and counted in {@link RdbEvent.End}.
 */
public final class RdbReader implements AutoCloseable {
    /**
     * Bytes read from the input at a time. Each of many sources in one process has a reader, so this is per worker
     * (with the checksum thread's copies: 4 times this, 1 MiB); 256 KiB reads cost no measurable parsing time over
     * 1 MiB ones (docs/benchmarks.md, "Many sources in one process").
     */
    public static final int INPUT_BUFFER = 256 << 10;

    /** Highest versions this reader understands. */
    public static final int MAX_REDIS_VERSION = 12;
    public static final int VALKEY_MIN_VERSION = 80;
    public static final int VALKEY_MAX_VERSION = 80;

    private static final int OP_SLOT_INFO = 0xF4;
    private static final int OP_FUNCTION2 = 0xF5;
    private static final int OP_FUNCTION_PRE_GA = 0xF6;
    private static final int OP_MODULE_AUX = 0xF7;
    private static final int OP_IDLE = 0xF8;
    private static final int OP_FREQ = 0xF9;
    private static final int OP_AUX = 0xFA;
    private static final int OP_RESIZEDB = 0xFB;
    private static final int OP_EXPIRETIME_MS = 0xFC;
    private static final int OP_EXPIRETIME = 0xFD;
    private static final int OP_SELECTDB = 0xFE;
    private static final int OP_EOF = 0xFF;

    private enum State { HEADER, BODY, SINGLE_VALUE, VALUE, DONE }

    private final InputStream source;
    private final RdbInput in;
    private final RdbStrings strings;
    private final RdbOptions options;
    private final ValueSkipper skipper;

    private State state = State.HEADER;
    private int version;
    private int db;
    private long pendingExpire = -1;
    private long pendingIdle = -1;
    private int pendingFreq = -1;
    private KeyHeader currentKey;
    private ValueCursor cursor;
    /** True for a reader of one value ({@link #value}): it ends after that key. */
    private boolean singleValue;

    private RdbReader(InputStream source, RdbOptions options, long startOffset, int bufferSize) {
        this.source = source;
        this.options = options;
        this.in = new RdbInput(source, bufferSize, options.verifyChecksum(), startOffset);
        this.strings = new RdbStrings(in, options.maxElementBytes());
        this.skipper = new ValueSkipper(in, strings, options.validateBlobs());
    }

    /**
     * A reader over {@code in} (not buffered further: the reader buffers itself, {@link #INPUT_BUFFER} bytes, and
     * when it verifies the checksum the checksum thread holds three more buffers' worth of copies).
     */
    public static RdbReader open(InputStream in, RdbOptions options) {
        return new RdbReader(in, options, 0, INPUT_BUFFER);
    }

    /**
     * A decoded reader of one value read on its own, e.g. a value located in raw mode
     * ({@link RdbEvent.RawValue#valueOffset()}) and read again from the file to be decoded: {@link #next()}
     * returns {@link RdbEvent.KeyBegin}, the value's chunks, {@link RdbEvent.KeyEnd}, then null. Error
     * offsets and {@link #offset()} are absolute, counted from {@code valueOffset}. No checksum is
     * computed (it covers the whole file); the caller should check that {@link #offset()} after
     * {@code KeyEnd} is the end of the value it located.
     *
     * @param positionedAtValue the bytes of the value (after the key), not buffered further
     * @param key               the key the value belongs to; its {@link KeyHeader#type()} selects the decoding
     * @param valueOffset       absolute offset of the value's first byte in the file
     * @param rdbVersion        version of the file the value comes from
     * @param options           {@link RdbOptions.Mode#DECODED} options (chunk sizes, element limit)
     */
    public static RdbReader value(InputStream positionedAtValue, KeyHeader key, long valueOffset, int rdbVersion,
                                  RdbOptions options) {
        if (options.mode() != RdbOptions.Mode.DECODED) {
            throw new IllegalArgumentException("a single value is read in DECODED mode");
        }
        // A smaller buffer than a file reader's: a loader may open one per key it rewrites.
        RdbReader reader = new RdbReader(positionedAtValue, options.withVerifyChecksum(false), valueOffset, 64 << 10);
        reader.version = rdbVersion;
        reader.currentKey = key;
        reader.singleValue = true;
        reader.state = State.SINGLE_VALUE;
        return reader;
    }

    /** RDB version from the header (0 before the first event). */
    public int version() {
        return version;
    }

    /** Absolute offset of the next unread byte. */
    public long offset() {
        return in.offset();
    }

    /** The next event, or null after {@link RdbEvent.End}. */
    public RdbEvent next() throws IOException {
        try {
            return advance();
        } catch (IOException | RuntimeException e) {
            in.stopChecksum(); // a failed reader holds no thread, even if its caller never closes it
            state = State.DONE;
            throw e;
        }
    }

    private RdbEvent advance() throws IOException {
        while (true) {
            switch (state) {
                case HEADER:
                    state = State.BODY;
                    return readHeader();
                case BODY: {
                    RdbEvent e = readBody();
                    if (e != null) {
                        return e;
                    }
                    break;
                }
                case SINGLE_VALUE:
                    return openValue(currentKey);
                case VALUE: {
                    RdbEvent e = cursor.next();
                    if (e != null) {
                        return e;
                    }
                    state = singleValue ? State.DONE : State.BODY;
                    cursor = null;
                    KeyHeader done = currentKey;
                    currentKey = null;
                    return new RdbEvent.KeyEnd(done);
                }
                case DONE:
                    return null;
                default:
                    throw new IllegalStateException(state.toString());
            }
        }
    }

    private RdbEvent readHeader() throws IOException {
        byte[] magic = new byte[9];
        in.readFully(magic, 0, 9, "the 9-byte RDB header (REDIS + 4-digit version)");
        String header = new String(magic, StandardCharsets.ISO_8859_1);
        String name;
        String digits;
        if (header.startsWith("REDIS")) {
            name = "REDIS";
            digits = header.substring(5);
        } else if (header.startsWith("VALKEY")) {
            name = "VALKEY";
            digits = header.substring(6);
        } else {
            throw new RdbFormatException(0, "the magic 'REDIS' or 'VALKEY'", "but found '" + printable(header) + "'");
        }
        try {
            version = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new RdbFormatException(5, "a decimal RDB version", "but found '" + printable(digits) + "'");
        }
        boolean known = name.equals("REDIS") ? version >= 1 && version <= MAX_REDIS_VERSION
                : version >= VALKEY_MIN_VERSION && version <= VALKEY_MAX_VERSION;
        if (!known) {
            throw new RdbFormatException(5, "RDB version 1-" + MAX_REDIS_VERSION + " (REDIS) or " + VALKEY_MIN_VERSION
                    + " (VALKEY)", "but the file is " + name + " version " + version + ", newer than this parser");
        }
        return new RdbEvent.Header(name, version);
    }

    /** One opcode or key; null when the opcode only set state for the next key. */
    private RdbEvent readBody() throws IOException {
        long at = in.offset();
        int op = in.readUnsignedByte("an opcode or a value type (the file may be truncated: no EOF opcode)");
        switch (op) {
            case OP_EOF:
                return readEnd(at);
            case OP_SELECTDB:
                db = strings.readIntLength("a database number");
                return new RdbEvent.SelectDb(db);
            case OP_EXPIRETIME:
                pendingExpire = in.readIntLE("an expire time in seconds") * 1000L; // signed 32-bit, as Redis reads it
                return null;
            case OP_EXPIRETIME_MS:
                pendingExpire = in.readLongLE("an expire time in milliseconds");
                return null;
            case OP_IDLE:
                pendingIdle = strings.readLength("an LRU idle time");
                return null;
            case OP_FREQ:
                pendingFreq = in.readUnsignedByte("an LFU frequency");
                return null;
            case OP_RESIZEDB:
                return new RdbEvent.ResizeDb(strings.readLength("a db size hint"), strings.readLength("an expires size hint"));
            case OP_AUX:
                return new RdbEvent.Aux(strings.readString("an AUX field name"), strings.readString("an AUX field value"));
            case OP_SLOT_INFO:
                return new RdbEvent.SlotInfo(strings.readIntLength("a slot number"), strings.readLength("a slot size"),
                        strings.readLength("a slot expires size"));
            case OP_FUNCTION2:
                return new RdbEvent.FunctionLibrary(strings.readString("a function library"));
            case OP_FUNCTION_PRE_GA: {
                strings.skipString("a function name");
                strings.skipString("a function engine name");
                if (strings.readLength("a function description flag") != 0) {
                    strings.skipString("a function description");
                }
                return new RdbEvent.FunctionLibrary(strings.readString("a function's code"));
            }
            case OP_MODULE_AUX: {
                ModuleType module = ModuleType.fromId(strings.readUnsignedLength("a module id"));
                long whenOpcode = strings.readLength("the module aux 'when' opcode");
                if (whenOpcode != 2) {
                    throw in.error("the module aux 'when' opcode 2 (uint)", "but found " + whenOpcode);
                }
                long when = strings.readLength("the module aux 'when' value");
                ModuleItems.skipItems(in, strings, module);
                return new RdbEvent.ModuleAux(module, when);
            }
            default:
                return readKey(op, at);
        }
    }

    private RdbEvent readKey(int typeByte, long at) throws IOException {
        RdbType type = RdbType.byCode(typeByte);
        if (type == null) {
            throw new RdbFormatException(at, "an opcode or a known value type", String.format("but found 0x%02x", typeByte));
        }
        byte[] key = strings.readString("a key");
        KeyHeader header = new KeyHeader(db, key, pendingExpire, pendingIdle, pendingFreq, type, at);
        pendingExpire = -1;
        pendingIdle = -1;
        pendingFreq = -1;
        if (options.mode() == RdbOptions.Mode.RAW) {
            long valueOffset = in.offset();
            in.beginCapture(options.maxRawValueBytes());
            skipper.skip(type);
            byte[] value;
            if (options.dumpFrames()) {
                value = in.endCapture(1, DumpPayload.TRAILER);
                if (value != null) {
                    value[0] = (byte) type.code();
                }
            } else {
                value = in.endCapture();
            }
            return new RdbEvent.RawValue(header, value, valueOffset, in.capturedLength());
        }
        return openValue(header);
    }

    /** Starts decoding the value of {@code header} at the current position. */
    private RdbEvent openValue(KeyHeader header) throws IOException {
        RdbType type = header.type();
        if (type.valueType() == ValueType.MODULE) {
            // Module values are opaque to us: report the module, skip its items, and end the key.
            ModuleType module = type == RdbType.MODULE_2 ? ModuleItems.skipValue(in, strings) : null;
            if (module == null) {
                throw ModuleItems.preGa(in);
            }
            currentKey = header;
            cursor = new SingleEventCursor(new RdbEvent.ModuleValue(module));
            state = State.VALUE;
            return new RdbEvent.KeyBegin(header);
        }
        currentKey = header;
        cursor = ValueCursor.open(type, in, strings, options);
        state = State.VALUE;
        return new RdbEvent.KeyBegin(header);
    }

    private RdbEvent readEnd(long at) throws IOException {
        state = State.DONE;
        ChecksumStatus status;
        if (version < 5) {
            in.stopChecksum();
            status = ChecksumStatus.ABSENT;
        } else {
            long computed = options.verifyChecksum() ? in.checksumSoFar() : 0;
            long stored = in.readLongLE("the 8-byte CRC-64 after the EOF opcode");
            if (stored == 0) {
                status = ChecksumStatus.DISABLED;
            } else if (!options.verifyChecksum()) {
                status = ChecksumStatus.UNVERIFIED;
            } else if (stored != computed) {
                throw new RdbFormatException(at + 1, String.format("the CRC-64 0x%016x of the file's contents", computed),
                        String.format("but the file says 0x%016x", stored));
            } else {
                status = ChecksumStatus.VALID;
            }
        }
        long trailing = in.drainRemaining();
        return new RdbEvent.End(status, at, trailing);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        in.stopChecksum();
        source.close();
    }

    /** A value that is exactly one event (module values). */
    private static final class SingleEventCursor extends ValueCursor {
        private RdbEvent event;

        SingleEventCursor(RdbEvent event) {
            super(null, null, RdbOptions.decoded());
            this.event = event;
        }

        @Override
        RdbEvent next() {
            RdbEvent e = event;
            event = null;
            return e;
        }
    }
}
