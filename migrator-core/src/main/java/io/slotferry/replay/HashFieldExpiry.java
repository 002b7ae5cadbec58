package io.slotferry.replay;

import io.slotferry.load.TargetCapabilities;
import io.slotferry.replication.ReplicationEvent;
import io.slotferry.resp.Ascii;
import io.slotferry.routing.HashSlot;
import io.slotferry.split.SlotCommand;
import io.slotferry.write.DataErrorPolicy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hash field TTLs (Redis 7.4+ replicates {@code HPEXPIREAT key ms FIELDS n f...}) for a target that has
 * none: an expiry already past when received is the fields' deletion; a future one cannot be kept.
 */
final class HashFieldExpiry {
    private static final Logger LOG = Logger.getLogger(HashFieldExpiry.class.getName());

    private HashFieldExpiry() {
    }

    /**
     * A hash field TTL (Redis 7.4+) for a target that has none: an expiry already past is the field's
     * deletion; a future one cannot be kept (the field would never expire), which is a data error.
     * {@code HPERSIST} changes nothing on such a target.
     */
    static List<Step> withoutSupport(ReplicationEvent.Command c, String name, ReplayOptions options,
                                                    TargetCapabilities target, ReplayStats stats) throws ReplayException {
        List<byte[]> argv = c.argv();
        if (name.equals("HPERSIST")) {
            stats.skipped("hpersist-without-field-ttl");
            return List.of();
        }
        int fields = -1;
        for (int i = 3; i < argv.size(); i++) {
            if (Ascii.upper(argv.get(i)).equals("FIELDS")) {
                fields = i;
                break;
            }
        }
        if (fields < 0 || argv.size() < 4) {
            throw new ReplayException(name, c.startOffset(), "no FIELDS argument");
        }
        long time;
        try {
            time = Long.parseLong(new String(argv.get(2), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new ReplayException(name, c.startOffset(), "the expiry time is not a number");
        }
        long at = switch (name) {
            case "HEXPIRE" -> c.receivedAtMillis() + time * 1000;
            case "HPEXPIRE" -> c.receivedAtMillis() + time;
            case "HEXPIREAT" -> time * 1000;
            default -> time;
        };
        byte[] key = options.dbMapping().targetKey(c.db(), argv.get(1));
        if (key == null) {
            stats.skipped("other-db");
            return List.of();
        }
        if (at <= c.receivedAtMillis()) {
            List<byte[]> hdel = new ArrayList<>();
            hdel.add(Ascii.bytes("HDEL"));
            hdel.add(key);
            hdel.addAll(argv.subList(fields + 2, argv.size()));
            stats.count("applied");
            return List.of(new Step.Send(SlotCommand.of(HashSlot.of(key), key, hdel)));
        }
        String why = "the target (" + target + ") has no hash field TTLs, so the field would never expire";
        if (options.onDataError() == DataErrorPolicy.STOP) {
            throw new ReplayException(name, c.startOffset(), why + "; use a target with hash field TTLs (Redis 7.4+)"
                    + " or --on-data-error skip");
        }
        LOG.log(Level.WARNING, "{0} at source offset {1} skipped: {2}", new Object[] {name, c.startOffset(), why});
        stats.skipped("field-ttl-unsupported");
        return List.of();
    }
}
