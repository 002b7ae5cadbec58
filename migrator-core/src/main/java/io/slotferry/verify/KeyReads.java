package io.slotferry.verify;

import io.slotferry.resp.RespValue;
import java.io.IOException;
import java.util.List;

/** Where one key is read: its source database, or the target primary serving its slot. */
@FunctionalInterface
interface KeyReads {
    RespValue call(List<byte[]> argv) throws IOException, InterruptedException;
}
