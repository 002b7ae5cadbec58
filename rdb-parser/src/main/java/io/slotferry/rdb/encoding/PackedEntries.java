package io.slotferry.rdb.encoding;

import java.util.Arrays;

/**
 * What ziplists and listpacks share: a blob of entries ended by 0xFF, each entry either a string
 * slice of the blob or an integer, decoded one at a time by {@link #advance()}.
 */
abstract class PackedEntries implements ElementCursor {
    protected final byte[] blob;
    /** The blob's bytes are {@code blob[0, length)}: a reused buffer may be longer. */
    protected final int length;
    /** Position of the next entry. */
    protected int p;
    protected int seen;

    // The current entry, set by advance(): a string slice or an integer.
    protected int strStart;
    protected int strLen;
    protected boolean isInt;
    protected long intValue;

    PackedEntries(byte[] blob, int length, int headerSize) {
        this.blob = blob;
        this.length = length;
        this.p = headerSize;
    }

    /** Decodes the entry at {@link #p}, moves past it, and calls {@link #finish()} after the last one. */
    abstract void advance() throws CorruptEncodingException;

    /** Checks the whole-blob invariants once every entry has been read. */
    abstract void finish() throws CorruptEncodingException;

    abstract String name();

    @Override
    public boolean hasNext() {
        return (blob[p] & 0xff) != 0xff;
    }

    @Override
    public byte[] next() throws CorruptEncodingException {
        advance();
        return isInt ? ElementCursor.decimal(intValue) : Arrays.copyOfRange(blob, strStart, strStart + strLen);
    }

    @Override
    public long nextLong() throws CorruptEncodingException {
        advance();
        return isInt ? intValue : ElementCursor.super.nextLong();
    }

    /** Walks every entry without materialising them (raw mode validation). */
    public void validateAll() throws CorruptEncodingException {
        while (hasNext()) {
            advance();
        }
        finish();
    }

    /** Sets the current entry to the {@code width}-byte little-endian signed integer at {@code at}. */
    final void readSigned(int at, int width) {
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            v = v << 8 | (blob[at + i] & 0xff);
        }
        int shift = 64 - width * 8;
        intValue = (v << shift) >> shift;
        isInt = true;
    }

    /** Fails unless {@code n} more bytes exist before the end byte. */
    final void need(long n, String what) throws CorruptEncodingException {
        if (p + n > length - 1) {
            throw new CorruptEncodingException(p, what, "the " + name() + " ends first");
        }
    }

    /**
     * As {@link #need(long, String)} for {@code n} bytes described as {@code prefix + n + suffix}; the
     * description is only built on failure (this runs once per element, on the loader's hot path).
     */
    final void need(long n, String prefix, String suffix) throws CorruptEncodingException {
        if (p + n > length - 1) {
            need(n, prefix + n + suffix);
        }
    }
}
