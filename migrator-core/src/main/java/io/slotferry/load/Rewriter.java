package io.slotferry.load;

import io.slotferry.rdb.RdbEvent;
import java.io.IOException;

/** Turns the decoded value chunks of one key (between KeyBegin and KeyEnd) into writes. */
sealed interface Rewriter permits ValueRewriter, StreamRewriter {

    /** One chunk event of the key's value. */
    void accept(RdbEvent chunk) throws DataError, IOException, InterruptedException;

    /** After the last chunk: writes whatever must come last (the key's TTL is added by {@link KeyWrites}). */
    default void end() throws IOException, InterruptedException {
    }
}
