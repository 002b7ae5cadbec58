package io.slotferry.load;

import io.slotferry.fixture.Bulk;
import io.slotferry.write.Write;
import io.slotferry.write.WriteListener;
import io.slotferry.write.WriteSink;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Records what the loader submits, in order, and acknowledges each write to a listener at once. It is
 * not a stand-in for Redis: it only captures our output so its shape can be checked.
 */
final class RecordingSink implements WriteSink {
    final List<Write> writes = new ArrayList<>();
    private final WriteListener listener;
    private long applied = -1;
    int drains;

    RecordingSink(WriteListener listener) {
        this.listener = listener;
    }

    @Override
    public void submit(Write write) {
        writes.add(write);
        applied = write.sourceOffset();
        listener.acknowledged(write);
    }

    @Override
    public void drain() {
        drains++;
    }

    @Override
    public long appliedOffset() {
        return applied;
    }

    /** The writes of one key. */
    List<Write> of(String key) {
        return writes.stream().filter(w -> text(w.key()).equals(key)).collect(Collectors.toList());
    }

    /** A command as text, arguments as ISO-8859-1 joined by spaces (binary payloads abbreviated). */
    static String text(List<byte[]> command) {
        return command.stream().map(a -> a.length > 64 ? "<" + a.length + " bytes>" : text(a))
                .collect(Collectors.joining(" "));
    }

    /** Every command of a write, one string each. */
    static List<String> commands(Write w) {
        return w.commands().stream().map(RecordingSink::text).collect(Collectors.toList());
    }

    static String text(byte[] b) {
        return Bulk.latin1(b);
    }
}
