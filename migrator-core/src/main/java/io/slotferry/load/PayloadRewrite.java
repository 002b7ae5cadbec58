package io.slotferry.load;

import io.slotferry.rdb.KeyHeader;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbOptions;
import io.slotferry.rdb.RdbReader;
import io.slotferry.rdb.RdbType;
import io.slotferry.rdb.ValueType;
import io.slotferry.write.Write;
import io.slotferry.write.WriteSink;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The loader's rewrite path for one {@code DUMP} payload a target cannot {@code RESTORE} (its type is
 * newer than the target): the value decoded and written as native commands by {@link ValueRewriter},
 * {@code DEL} first and {@code PEXPIREAT} last, as {@link SnapshotLoader} does for a snapshot key.
 * Used by {@code migrate verify --repair}, which runs the commands in one transaction.
 */
public final class PayloadRewrite {
    private PayloadRewrite() {
    }

    /**
     * Every command that rebuilds {@code key} from {@code dump} (type byte, value, RDB version, CRC) with
     * the absolute expiry {@code expireAtMs} (-1: none), in order. Memory holds the whole value as
     * commands: callers bound the payload's size.
     *
     * @throws LoadException when the value cannot be rewritten (a stream or module type, a malformed payload)
     */
    public static List<List<byte[]>> commands(byte[] key, byte[] dump, long expireAtMs, TargetCapabilities target,
            LoadOptions options) throws IOException, InterruptedException {
        RdbType type = dump.length < 11 ? null : RdbType.byCode(dump[0] & 0xff);
        if (type == null || type.valueType() == ValueType.STREAM || type.valueType() == ValueType.MODULE) {
            throw new LoadException("a value of RDB type " + (dump.length == 0 ? "?" : dump[0] & 0xff)
                    + " cannot be rewritten as commands");
        }
        int version = new RestorePayload(dump).rdbVersion();
        List<List<byte[]>> out = new ArrayList<>();
        WriteSink collect = new WriteSink() {
            @Override
            public void submit(Write write) {
                out.addAll(write.commands());
            }

            @Override
            public void drain() {
            }

            @Override
            public long appliedOffset() {
                return -1;
            }
        };
        KeyWrites writes = new KeyWrites(collect, key, 0);
        ValueRewriter rewriter = new ValueRewriter(writes, key, target, options.clock().millis());
        byte[] value = Arrays.copyOfRange(dump, 1, dump.length - 10);
        RdbOptions decoded = RdbOptions.decoded().withChunks(options.chunkElements(), options.chunkBytes());
        try (RdbReader reader = RdbReader.value(new ByteArrayInputStream(value), new KeyHeader(0, key, -1, -1, -1, type, 0), 0,
                version, decoded)) {
            RdbEvent e;
            while ((e = reader.next()) != null) {
                if (!(e instanceof RdbEvent.KeyBegin) && !(e instanceof RdbEvent.KeyEnd)) {
                    rewriter.accept(e);
                }
            }
            rewriter.end();
        } catch (DataError e) {
            throw new LoadException(e.getMessage());
        }
        writes.finish(expireAtMs);
        return out;
    }
}
