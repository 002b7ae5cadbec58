package io.slotferry.checkpoint;

import io.slotferry.replication.ReplicationId;
import io.slotferry.replication.StreamPosition;
import java.time.Instant;
import java.util.Objects;

/**
 * Where one source instance stands, as one immutable record: the state a restarted run resumes from.
 *
 * <p>In {@link Phase#SNAPSHOT} the snapshot of {@code replid} at {@code receivedOffset} is being loaded and
 * is not complete on the target: a restart takes a new one. In {@link Phase#STREAMING} the target holds the
 * snapshot and every command up to {@code appliedOffset}: a restart asks {@code PSYNC replid appliedOffset+1}
 * and needs a new snapshot only when the source no longer has that backlog.
 *
 * @param formatVersion  {@link #FORMAT_VERSION} of the writer; a reader refuses any other
 * @param source         the instance's identity (its name in the run)
 * @param phase          snapshot being loaded, or streaming
 * @param replid         the replication id the offsets belong to ({@link ReplicationId#NONE}, "?" in the file, before
 *                       the source answered or for a source that cannot be resumed)
 * @param receivedOffset highest offset received from the source
 * @param appliedOffset  highest offset whose writes the target acknowledged (-1 in the snapshot phase)
 * @param db             database selected in the stream at {@code appliedOffset} (a resumed stream does not repeat its SELECT)
 * @param writtenAt      when the record was written (ISO-8601, UTC)
 * @param submitLimit    the run sends no stream write above this offset before a checkpoint raises it: after a
 *                       crash, writes up to it may be on the target already (0 in records of older builds)
 */
public record Checkpoint(int formatVersion, String source, Phase phase, ReplicationId replid, long receivedOffset,
        long appliedOffset, int db, String writtenAt, long submitLimit) {
    /** The one format this build reads and writes. */
    public static final int FORMAT_VERSION = 1;

    /** The two phases a worker can be restarted from. */
    public enum Phase { SNAPSHOT, STREAMING }

    public Checkpoint {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(replid, "replid");
        Objects.requireNonNull(writtenAt, "writtenAt");
    }

    /** A snapshot of {@code replid} at {@code offset} is being loaded. */
    public static Checkpoint snapshot(String source, ReplicationId replid, long offset) {
        return new Checkpoint(FORMAT_VERSION, source, Phase.SNAPSHOT, replid, offset, -1, 0, Instant.now().toString(), offset);
    }

    /** The target holds everything up to {@code applied} of stream {@code replid}. */
    public static Checkpoint streaming(String source, ReplicationId replid, long received, long applied, int db, long submitLimit) {
        return new Checkpoint(FORMAT_VERSION, source, Phase.STREAMING, replid, received, applied, db, Instant.now().toString(),
                submitLimit);
    }

    /** The position a restart resumes the stream from: {@code PSYNC replid appliedOffset+1}, in database {@code db}. */
    public StreamPosition resumePosition() {
        return new StreamPosition(replid, appliedOffset, db);
    }

    /** True when a restart can ask the source to continue the stream: a streaming record of a known replication id. */
    public boolean resumable() {
        return phase == Phase.STREAMING && !replid.isNone();
    }

    /** Up to where the run that wrote this record may have sent stream writes (its received offset for older records). */
    public long mayHaveSentUpTo() {
        return submitLimit > 0 ? submitLimit : receivedOffset;
    }
}
