package io.slotferry.replay;

import io.slotferry.command.KeyRef;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.resp.Ascii;
import io.slotferry.routing.HashSlot;
import io.slotferry.split.SlotCommand;
import io.slotferry.translate.ScriptCache;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A replicated script call: Redis before 5.0 and codis-server replicate {@code EVAL} bodies verbatim
 * (and {@code EVALSHA} as {@code EVAL} or as is), 7.0+ may carry {@code FCALL} from a client's MULTI.
 * A script runs on one shard, so every key it declares must be in one slot; {@code EVALSHA} becomes
 * {@code EVAL} with the body from the {@link ScriptCache}, because the target shard may never have
 * loaded it. A script without declared keys has no slot to run on, and cross-slot keys cannot run on a
 * cluster at all: both stop the worker, unless {@link CrossSlotScripts#EMULATE} runs it on scratch copies.
 */
final class ScriptCall {
    private final ReplicationEvent.Command command;
    private final ScriptCache scripts;
    private final ReplayOptions options;
    private final CrossSlotEmulation emulation;

    ScriptCall(ReplicationEvent.Command command, ScriptCache scripts, ReplayOptions options, CrossSlotEmulation emulation) {
        this.emulation = emulation;
        this.command = command;
        this.scripts = scripts;
        this.options = options;
    }

    List<Step> steps(ReplayStats stats) throws ReplayException {
        List<byte[]> argv = new ArrayList<>(command.argv());
        String name = command.name();
        if (argv.size() < 3) {
            throw stop("fewer arguments than a script call has");
        }
        boolean function = name.startsWith("FCALL");
        if (name.startsWith("EVALSHA")) {
            byte[] body = scripts.body(argv.get(1));
            if (body == null) {
                throw stop("script " + new String(argv.get(1), StandardCharsets.US_ASCII)
                        + " was never seen in the snapshot or the stream (no EVAL or SCRIPT LOAD of it), so it cannot be run on the target");
            }
            argv.set(0, Ascii.bytes(name.endsWith("_RO") ? "EVAL_RO" : "EVAL"));
            argv.set(1, body);
        } else if (!function) {
            scripts.add(argv.get(1));
        }
        int numkeys;
        try {
            numkeys = Integer.parseInt(new String(argv.get(2), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw stop("numkeys is not a number");
        }
        if (numkeys < 0 || 3 + numkeys > argv.size()) {
            throw stop("numkeys " + numkeys + " does not fit its " + argv.size() + " arguments");
        }
        if (numkeys == 0) {
            throw stop("a script that declares no keys has no slot to run in on a cluster; its effects cannot be placed");
        }
        int slot = -1;
        boolean crossSlot = false;
        for (int i = 3; i < 3 + numkeys; i++) {
            byte[] mapped = options.dbMapping().targetKey(command.db(), argv.get(i));
            if (mapped == null) {
                stats.skipped("other-db");
                return List.of();
            }
            argv.set(i, mapped);
            int s = HashSlot.of(mapped);
            crossSlot |= slot >= 0 && s != slot;
            slot = s;
        }
        if (crossSlot && options.crossSlotScripts() == CrossSlotScripts.EMULATE) {
            stats.count("emulated");
            List<KeyRef> keys = new ArrayList<>(numkeys);
            for (int i = 3; i < 3 + numkeys; i++) {
                keys.add(new KeyRef(i, true));
            }
            return List.of(emulation.step(name, List.copyOf(argv), keys, command.startOffset()));
        }
        if (crossSlot) {
            throw stop("its " + numkeys + " keys span several slots and a cluster runs a script on one shard;"
                    + " tag the keys with a common {hash tag} at the source, or see --cross-slot-scripts=emulate in docs/replay.md");
        }
        stats.count("script");
        return List.of(new Step.Send(SlotCommand.of(slot, argv.get(3), argv)));
    }

    /**
     * {@code SCRIPT LOAD} teaches the cache (EVALSHA becomes EVAL on the shard that needs it), {@code SCRIPT
     * FLUSH} empties it; nothing is sent, and every {@code SCRIPT} subcommand is counted as skipped.
     */
    static List<Step> scriptCommand(ReplicationEvent.Command c, ScriptCache scripts, ReplayStats stats) {
        List<byte[]> argv = c.argv();
        String sub = argv.size() > 1 ? Ascii.upper(argv.get(1)) : "";
        switch (sub) {
            case "LOAD" -> {
                if (argv.size() > 2) {
                    scripts.add(argv.get(2));
                }
                stats.skipped("script-load");
            }
            case "FLUSH" -> {
                scripts.clear();
                stats.skipped("script-flush");
            }
            default -> stats.skipped("script-" + sub.toLowerCase(Locale.ROOT));
        }
        return List.of();
    }

    private ReplayException stop(String why) {
        return new ReplayException(command.name(), command.startOffset(), why);
    }
}
