package io.slotferry.write;

import io.slotferry.resp.KeyText;
import io.slotferry.resp.RespValue;
import io.slotferry.resp.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A write on its way: its encoding, its place in the applied offsets, and its redirect/retry state. */
final class Pending {
    /** What a pipeline entry is: a write, a {@code WAIT} confirming earlier writes, or a write's probe. */
    enum Kind { WRITE, WAIT, PROBE }

    private static final byte[] ASKING = RespWriter.command("ASKING");
    private static final byte[] MULTI = RespWriter.command("MULTI");
    private static final byte[] EXEC = RespWriter.command("EXEC");

    /** Heap of a byte[] beyond its bytes (header, alignment) and its reference in a list. */
    private static final int ARGUMENT_OVERHEAD = 24;
    /** Heap of a write and its pending state beyond its commands. */
    private static final int WRITE_OVERHEAD = 160;

    final Kind kind;
    final Write write;
    /** Encoded command(s) for WAIT and PROBE entries; writes are encoded by the sender, into its batch. */
    final byte[] encoded;
    private final int length;
    /** Bytes sent on the wire (RESP of the command(s), MULTI/EXEC included; ASKING and probes not). */
    private final int wire;
    final AppliedOffsets.Mark mark;
    /** The write this probe is for (PROBE only). */
    final Pending subject;
    /** Follow an {@code -ASK}: prefix {@code ASKING}. */
    boolean asking;
    /** Sent before a connection was lost: check its probe before sending it again. */
    boolean inDoubt;
    /** Sent again after a lost connection without knowing whether the first sending applied. */
    boolean resent;
    int redirects;
    /** When the write first met a transient fault (0 = never), to give up after a while. */
    long firstFaultNanos;
    final List<RespValue> replies = new ArrayList<>(2);

    private Pending(Kind kind, Write write, byte[] encoded, AppliedOffsets.Mark mark, Pending subject) {
        this.kind = kind;
        this.write = write;
        this.encoded = encoded;
        this.wire = encoded != null ? encoded.length : wireLength(write);
        this.length = encoded != null ? encoded.length : heapLength(write, wire);
        this.mark = mark;
        this.subject = subject;
    }

    static Pending write(Write write, AppliedOffsets.Mark mark) {
        return new Pending(Kind.WRITE, write, null, mark, null);
    }

    static Pending waitFor(int replicas, long timeoutMillis) {
        return new Pending(Kind.WAIT, null, RespWriter.command("WAIT", Integer.toString(replicas), Long.toString(timeoutMillis)),
                null, null);
    }

    static Pending probe(Pending subject) {
        return new Pending(Kind.PROBE, null, RespWriter.command(subject.write.probe().command()), null, subject);
    }

    /** Bytes this write holds of the in-flight budget (encoded length plus object overhead). */
    long bytes() {
        return length;
    }

    /** Bytes this write puts on the wire (what {@code --max-bytes} limits). */
    long wireBytes() {
        return wire;
    }

    /** Replies the target sends for one sending of this entry. */
    int expectedReplies() {
        int n = asking ? 1 : 0;
        if (kind == Kind.WRITE && write.transaction()) {
            return n + write.commands().size() + 2;
        }
        return n + 1;
    }

    /** Appends the bytes to send now (with {@code ASKING} when following an {@code -ASK}). */
    void writeTo(Batch out) {
        if (asking) {
            out.put(ASKING);
        }
        if (encoded != null) {
            out.put(encoded);
            return;
        }
        if (write.transaction()) {
            out.put(MULTI);
        }
        List<List<byte[]>> commands = write.commands();
        for (int i = 0; i < commands.size(); i++) { // indexed: no iterator per write (C1 keeps them on the heap)
            out.put(commands.get(i));
        }
        if (write.transaction()) {
            out.put(EXEC);
        }
    }

    /**
     * What the write holds of the in-flight budget: its encoded length plus the heap its objects
     * take beyond their bytes (array headers, references, lists), so the budget bounds the heap
     * even for a chunk of a million 20-byte members, where the overhead exceeds the data.
     */
    private static int heapLength(Write w, int wire) {
        long n = (long) wire + WRITE_OVERHEAD;
        List<List<byte[]>> commands = w.commands();
        for (int i = 0; i < commands.size(); i++) {
            n += (long) commands.get(i).size() * ARGUMENT_OVERHEAD;
        }
        if (n > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("a write of " + n + " bytes is too big to send");
        }
        return (int) n;
    }

    /** The RESP length of the write's command(s), MULTI and EXEC included. */
    private static int wireLength(Write w) {
        long n = w.transaction() ? MULTI.length + EXEC.length : 0;
        List<List<byte[]>> commands = w.commands();
        for (int i = 0; i < commands.size(); i++) {
            n += RespWriter.encodedLength(commands.get(i));
        }
        if (n > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("a write of " + n + " bytes is too big to send");
        }
        return (int) n;
    }

    /** The first command's name and the key, for messages; keys shown printable or as hex escapes. */
    String describe() {
        if (write == null) {
            return kind.toString();
        }
        return new String(write.commands().get(write.transaction() ? 1 : 0).get(0), StandardCharsets.UTF_8)
                + (write.transaction() ? " (in MULTI)" : "") + " on key " + KeyText.printable(write.key());
    }
}
