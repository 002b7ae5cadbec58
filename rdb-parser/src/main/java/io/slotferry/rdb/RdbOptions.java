package io.slotferry.rdb;

/**
 * How the reader delivers values and the limits that keep memory bounded.
 *
 * @param mode               raw bytes per key, or decoded chunks
 * @param maxRawValueBytes   raw mode: values larger than this are located but not kept in memory
 * @param chunkElements      decoded mode: most elements in one chunk event
 * @param chunkBytes         decoded mode: a chunk is closed once it holds about this many bytes
 * @param maxElementBytes    a single string (key, element, value) may not declare more than this
 * @param verifyChecksum     false skips CRC-64 work (the status is then reported as not verified)
 * @param validateBlobs      raw mode: walk every ziplist/listpack/intset/zipmap blob before handing its bytes
 *                           on (decoded mode always validates, since it reads every entry)
 * @param dumpFrames         raw mode: each kept value comes framed as a DUMP payload to stamp
 *                           ({@link RdbEvent.RawValue#value()}, {@link DumpPayload#stamp}), so that a RESTORE
 *                           needs no second copy of it
 */
public record RdbOptions(Mode mode, long maxRawValueBytes, int chunkElements, int chunkBytes, long maxElementBytes,
                         boolean verifyChecksum, boolean validateBlobs, boolean dumpFrames) {

    /** How keys are delivered. */
    public enum Mode { RAW, DECODED }

    public RdbOptions {
        if (chunkElements < 1 || chunkBytes < 1 || maxElementBytes < 1 || maxRawValueBytes < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** Decoded chunks of at most 1024 elements / 1 MiB; elements up to 1 GiB (Redis allows 512 MiB). */
    public static RdbOptions decoded() {
        return new RdbOptions(Mode.DECODED, 64L << 20, 1024, 1 << 20, 1L << 30, true, true, false);
    }

    /** Raw values kept in memory up to 64 MiB each. */
    public static RdbOptions raw() {
        return new RdbOptions(Mode.RAW, 64L << 20, 1024, 1 << 20, 1L << 30, true, true, false);
    }

    public RdbOptions withMaxRawValueBytes(long bytes) {
        return new RdbOptions(mode, bytes, chunkElements, chunkBytes, maxElementBytes, verifyChecksum, validateBlobs, dumpFrames);
    }

    public RdbOptions withChunks(int elements, int bytes) {
        return new RdbOptions(mode, maxRawValueBytes, elements, bytes, maxElementBytes, verifyChecksum, validateBlobs, dumpFrames);
    }

    public RdbOptions withVerifyChecksum(boolean verify) {
        return new RdbOptions(mode, maxRawValueBytes, chunkElements, chunkBytes, maxElementBytes, verify, validateBlobs, dumpFrames);
    }

    public RdbOptions withValidateBlobs(boolean validate) {
        return new RdbOptions(mode, maxRawValueBytes, chunkElements, chunkBytes, maxElementBytes, verifyChecksum, validate, dumpFrames);
    }

    public RdbOptions withMaxElementBytes(long bytes) {
        return new RdbOptions(mode, maxRawValueBytes, chunkElements, chunkBytes, bytes, verifyChecksum, validateBlobs, dumpFrames);
    }

    public RdbOptions withDumpFrames(boolean frames) {
        return new RdbOptions(mode, maxRawValueBytes, chunkElements, chunkBytes, maxElementBytes, verifyChecksum, validateBlobs, frames);
    }
}
