package io.slotferry.replication.transcript;

/**
 * What a {@link TranscriptMaster} serves on one accepted connection: a capture, and how to misbehave.
 *
 * @param capture      the capture to replay
 * @param dropAt       .bin offset at which the connection is closed (the bytes before it are sent), or -1
 * @param dropAfterEnd close the connection right after the capture's last byte instead of idling
 * @param pieceBytes   size of each socket write (with TCP_NODELAY the replica sees reads about this small)
 * @param backlog      answer {@code PSYNC <the capture's id> <offset>} with {@code +CONTINUE} and the
 *                     capture's own stream from that offset, as a master whose backlog still holds it
 */
public record MasterSession(Transcript capture, long dropAt, boolean dropAfterEnd, int pieceBytes, boolean backlog) {
    private static final int DEFAULT_PIECE = 64 * 1024;

    public MasterSession {
        if (pieceBytes < 1) {
            throw new IllegalArgumentException("pieceBytes must be positive, got " + pieceBytes);
        }
    }

    /** The whole capture in 64 KiB writes; the connection then stays open, reading ACKs. */
    public static MasterSession of(Transcript capture) {
        return new MasterSession(capture, -1, false, DEFAULT_PIECE, false);
    }

    /** Closes the connection once the .bin bytes before {@code binOffset} are written (a drop mid-RDB or mid-stream). */
    public MasterSession droppedAt(long binOffset) {
        return new MasterSession(capture, binOffset, dropAfterEnd, pieceBytes, backlog);
    }

    /** Closes the connection right after the capture's last byte. */
    public MasterSession droppedAfterEnd() {
        return new MasterSession(capture, dropAt, true, pieceBytes, backlog);
    }

    /** Writes {@code bytes} at a time, flushing each, so the replica's reads split frames everywhere. */
    public MasterSession inPiecesOf(int bytes) {
        return new MasterSession(capture, dropAt, dropAfterEnd, bytes, backlog);
    }

    /**
     * Answers a PSYNC that names the capture's replication id and an offset within its stream with
     * {@code +CONTINUE} (bare before Redis 4.0, whose RDBs are version 7 or less; with the id after)
     * and the stream bytes from there. Any other PSYNC gets the full sync, as from a real master.
     */
    public MasterSession withBacklog() {
        return new MasterSession(capture, dropAt, dropAfterEnd, pieceBytes, true);
    }
}
