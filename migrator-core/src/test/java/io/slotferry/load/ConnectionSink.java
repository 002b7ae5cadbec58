package io.slotferry.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.resp.RespWriter;
import io.slotferry.write.Write;
import io.slotferry.write.WriteException;
import io.slotferry.write.WriteListener;
import io.slotferry.write.WriteSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies each write at once to one real standalone server over a plain {@link RedisConnection}: a
 * transaction as MULTI ... EXEC, replies checked. Error replies are data errors, reported to the
 * listener like a real writer under SKIP would. Around every write that has a probe, the probe is sent
 * before (it must answer "not applied") and after (it must answer "applied"), so the loader's probe
 * values are checked against the real server.
 */
final class ConnectionSink implements WriteSink, AutoCloseable {
    private final RedisConnection connection;
    private final WriteListener listener;
    final List<String> refusals = new ArrayList<>();
    final List<Write> applied = new ArrayList<>();
    int probesChecked;
    int transactions;
    private long appliedOffset = -1;

    ConnectionSink(String host, int port, WriteListener listener) {
        try {
            this.connection = RedisConnection.open(RedisEndpoint.plain(host, port), Duration.ofSeconds(5));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.listener = listener;
    }

    @Override
    public void submit(Write write) throws WriteException {
        try {
            if (write.probe() != null) {
                assertEquals(write.lengthProbe().notAppliedWhen(), probe(write), "probe before " + describe(write));
            }
            String error = apply(write);
            if (error != null) {
                refusals.add(LoadStats.printable(write.key()) + ": " + error);
                listener.refused(write, error);
                return;
            }
            if (write.probe() != null) {
                // A guard probe (appliedWhen never reached) keeps answering "re-send" while re-sending is safe.
                long after = write.lengthProbe().appliedWhen() == Long.MAX_VALUE ? write.lengthProbe().notAppliedWhen()
                        : write.lengthProbe().appliedWhen();
                assertEquals(after, probe(write), "probe after " + describe(write));
                probesChecked++;
            }
            appliedOffset = write.sourceOffset();
            applied.add(write);
            listener.acknowledged(write);
        } catch (IOException e) {
            throw new WriteException("test connection failed", e);
        }
    }

    /** Null when applied, else the first error reply. */
    private String apply(Write write) throws IOException {
        if (!write.transaction()) {
            RespValue reply = connection.call(write.commands().get(0));
            return reply instanceof RespValue.Error e ? e.message() : null;
        }
        transactions++;
        List<byte[]> encoded = new ArrayList<>();
        encoded.add(RespWriter.command("MULTI"));
        write.commands().forEach(c -> encoded.add(RespWriter.command(c)));
        encoded.add(RespWriter.command("EXEC"));
        connection.sendAll(encoded);
        String error = null;
        for (int i = 0; i < encoded.size() - 1; i++) {
            RespValue queued = connection.reader().read();
            if (queued instanceof RespValue.Error e && error == null) {
                error = e.message();
            }
        }
        RespValue exec = connection.reader().read();
        if (exec instanceof RespValue.Error e) {
            return error != null ? error : e.message();
        }
        for (RespValue r : ((RespValue.Array) exec).items()) {
            if (r instanceof RespValue.Error e) {
                return e.message();
            }
        }
        return error;
    }

    private long probe(Write write) throws IOException {
        RespValue reply = connection.call(write.probe().command());
        if (!(reply instanceof RespValue.Integer n)) {
            throw new AssertionError("probe of " + describe(write) + " answered " + reply);
        }
        return n.value();
    }

    private static String describe(Write w) {
        return LoadStats.printable(w.key()) + " " + RecordingSink.text(w.commands().get(w.commands().size() - 1)
                .subList(0, 1));
    }

    @Override
    public void drain() {
        // every write is applied before submit returns
    }

    @Override
    public long appliedOffset() {
        return appliedOffset;
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
