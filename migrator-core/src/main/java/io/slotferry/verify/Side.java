package io.slotferry.verify;

import io.slotferry.resp.RespValue;
import java.io.IOException;
import java.util.List;

/** One key where it lives: the source's name for it on its database, or the target's name on its primary. */
record Side(KeyReads reads, byte[] key) {

    RespValue call(List<byte[]> argv) throws IOException, InterruptedException {
        return reads.call(argv);
    }

    /** Calls {@code name key args...}. */
    RespValue on(String name, Object... args) throws IOException, InterruptedException {
        Object[] parts = new Object[args.length + 2];
        parts[0] = name;
        parts[1] = key;
        System.arraycopy(args, 0, parts, 2, args.length);
        List<byte[]> argv = Request.of(parts);
        return Reply.checked(reads.call(argv), argv);
    }

    /** Calls {@code name sub key args...} (XINFO STREAM key, XINFO CONSUMERS key group). */
    List<RespValue> subItems(String name, String sub, Object... args) throws IOException, InterruptedException {
        Object[] parts = new Object[args.length + 3];
        parts[0] = name;
        parts[1] = sub;
        parts[2] = key;
        System.arraycopy(args, 0, parts, 3, args.length);
        List<byte[]> argv = Request.of(parts);
        return Reply.items(Reply.checked(reads.call(argv), argv), argv);
    }

    long integer(String name, Object... args) throws IOException, InterruptedException {
        RespValue v = on(name, args);
        return Reply.integer(v, Request.of(name));
    }

    List<RespValue> items(String name, Object... args) throws IOException, InterruptedException {
        return Reply.items(on(name, args), Request.of(name));
    }

    String type() throws IOException, InterruptedException {
        return Reply.text(on("TYPE"), Request.of("TYPE"));
    }
}
