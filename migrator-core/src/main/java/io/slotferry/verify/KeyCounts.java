package io.slotferry.verify;

import io.slotferry.resp.RedisEndpoint;
import io.slotferry.replay.AppliedMarks;
import io.slotferry.resp.RespValue;
import io.slotferry.source.Keyspace;
import io.slotferry.source.SourceSpec;
import io.slotferry.translate.DbMapping;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts mode. A source's keys and keys with an expiry per database come from a SCAN walk with a
 * pipelined PTTL per key (INFO keyspace only names the databases: its numbers include keys that
 * expired but were not yet evicted); the target's keys per destination from a SCAN of every primary.
 */
final class KeyCounts {
    private static final byte[] EMPTY = new byte[0];

    private KeyCounts() {
    }

    /** Counts one source; expiries go to {@code window} under {@link #bucketOf}. */
    static InstanceResult source(SourceSpec.Live spec, SourceBudget budget, VerifyOptions options, ExpiryWindow window)
            throws IOException, InterruptedException {
        InstanceTally tally = new InstanceTally();
        DbMapping mapping = options.mapping();
        Map<Integer, Long> dbs = Keyspace.keysPerDb(spec.endpoint(), options.connectTimeout());
        try (SourceNode source = SourceNode.open(spec, budget, options.connectTimeout())) {
            for (int db : dbs.keySet()) {
                boolean mapped = mapping.targetKey(db, EMPTY) != null;
                source.select(db);
                String cursor = "0";
                do {
                    List<byte[]> argv = Request.of("SCAN", cursor, "COUNT", options.batch());
                    List<RespValue> page = Reply.items(source.call(argv), argv);
                    cursor = ValueCompare.cursorOf(page);
                    List<List<byte[]>> pttl = new ArrayList<>();
                    for (RespValue k : Reply.items(page.get(1), argv)) {
                        pttl.add(Request.of("PTTL", ValueCompare.bulk(k)));
                    }
                    if (pttl.isEmpty()) {
                        continue;
                    }
                    long now = System.currentTimeMillis();
                    List<RespValue> replies = source.pipeline(pttl);
                    for (int i = 0; i < replies.size(); i++) {
                        long ms = Reply.integer(replies.get(i), pttl.get(i));
                        if (ms == -2) {
                            continue; // expired or deleted between SCAN and PTTL
                        }
                        tally.seen(db, ms >= 0, mapped);
                        if (!mapped) {
                            tally.unmapped++;
                        } else if (ms >= 0) {
                            window.add(bucketOf(mapping, db), now + ms);
                        }
                    }
                } while (!cursor.equals("0"));
            }
        }
        return tally.result(spec.name(), false);
    }

    /** Keys on the target per destination bucket (see {@link #bucketOf}). */
    static Map<Integer, Long> target(RedisEndpoint target, VerifyOptions options) throws IOException {
        Map<Integer, Long> found = new TreeMap<>();
        DbMapping mapping = options.mapping();
        try (TargetReads t = TargetReads.open(target, options.connectTimeout())) {
            for (RedisEndpoint primary : t.primaries()) {
                String cursor = "0";
                do {
                    List<byte[]> argv = Request.of("SCAN", cursor, "COUNT", Math.max(1000, options.batch()));
                    List<RespValue> page = Reply.items(t.callOn(primary, argv), argv);
                    cursor = ValueCompare.cursorOf(page);
                    for (RespValue k : Reply.items(page.get(1), argv)) {
                        byte[] key = ValueCompare.bulk(k);
                        if (AppliedMarks.isToolKey(key)) {
                            continue; // the migrator's applied marks: no source's keys
                        }
                        found.merge(targetBucketOf(mapping, key), 1L, Long::sum);
                    }
                } while (!cursor.equals("0"));
            }
        }
        return found;
    }

    /** The destination of source database {@code db}: the database itself, or -1 when every database merges into one. */
    static int bucketOf(DbMapping mapping, int db) {
        return mapping instanceof DbMapping.Merge ? -1 : db;
    }

    static int targetBucketOf(DbMapping mapping, byte[] targetKey) {
        return mapping.sourceDb(targetKey);
    }

    static String bucketName(DbMapping mapping, int bucket) {
        if (bucket < 0) {
            return "all databases (merge)";
        }
        if (mapping instanceof DbMapping.Prefix p && bucket > 0) {
            return "db " + bucket + " (prefix " + ValueCompare.shown(p.prefix(bucket)) + ")";
        }
        return "db " + bucket;
    }
}
