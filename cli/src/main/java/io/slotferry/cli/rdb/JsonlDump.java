package io.slotferry.cli.rdb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.slotferry.filter.KeyFilter;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbOptions;
import io.slotferry.rdb.RdbReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Writes every key of an RDB (or those a {@link KeyFilter} keeps) as one canonical JSON object per line (see {@link CanonicalKey}). */
public final class JsonlDump {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII) // bytes 0x80-0xFF stay visible as \\u00XX
            .build();

    private JsonlDump() {
    }

    /** Dumps {@code rdb} to {@code out}; returns the number of keys written. */
    public static long write(InputStream rdb, OutputStream out) throws IOException {
        return write(rdb, out, KeyFilter.NONE);
    }

    /** Dumps the keys of {@code rdb} that {@code filter} keeps to {@code out}; returns the number of keys written. */
    public static long write(InputStream rdb, OutputStream out, KeyFilter filter) throws IOException {
        long keys = 0;
        try (RdbReader reader = RdbReader.open(rdb, RdbOptions.decoded());
             JsonGenerator g = JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            g.setRootValueSeparator(null);
            CanonicalKey key = null;
            RdbEvent e;
            while ((e = reader.next()) != null) {
                if (e instanceof RdbEvent.KeyBegin b) {
                    key = filter.keepsSnapshotKey(b.key().key(), b.key().type().valueType()) ? new CanonicalKey(b.key()) : null;
                } else if (e instanceof RdbEvent.KeyEnd) {
                    if (key == null) {
                        continue; // left out by the filters
                    }
                    key.write(g);
                    g.flush();
                    out.write('\n');
                    key = null;
                    keys++;
                } else if (key != null) {
                    key.accept(e);
                }
            }
            g.flush();
        }
        out.flush();
        return keys;
    }
}
