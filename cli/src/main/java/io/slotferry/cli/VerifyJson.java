package io.slotferry.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotferry.resp.KeyText;
import io.slotferry.verify.DiffKind;
import io.slotferry.verify.Difference;
import io.slotferry.verify.InstanceResult;
import io.slotferry.verify.RepairOutcome;
import io.slotferry.verify.RepairReport;
import io.slotferry.verify.RepairedKey;
import io.slotferry.verify.TargetBucket;
import io.slotferry.verify.VerifyReport;
import java.io.IOException;
import java.nio.file.Path;

/** {@code migrate verify --report FILE}: the result as one JSON document. */
final class VerifyJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private VerifyJson() {
    }

    /** The report, with the keys of the migrator the target holds ({@code tool_keys}: a finding, not a difference). */
    static void write(VerifyReport r, long toolKeys, Path file) throws IOException {
        ObjectNode root = tree(r);
        root.put("tool_keys", toolKeys);
        JSON.writeValue(file.toFile(), root);
    }

    static ObjectNode tree(VerifyReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("mode", r.mode().toString());
        root.put("clean", r.clean());
        root.put("millis", r.millis());
        root.put("target_keys", r.targetKeys());
        ArrayNode instances = root.putArray("instances");
        for (InstanceResult i : r.instances()) {
            ObjectNode n = instances.addObject();
            n.put("source", i.source());
            n.put("expected", i.expected());
            n.put("found", i.found());
            n.put("missing", i.missing());
            n.put("type", i.typeDiffs());
            n.put("value", i.valueDiffs());
            n.put("ttl", i.ttlDiffs());
            n.put("vanished", i.vanished());
            n.put("busy", i.busy());
            n.put("unmapped", i.unmapped());
            ArrayNode dbs = n.putArray("dbs");
            for (InstanceResult.DbCount c : i.dbs()) {
                dbs.addObject().put("db", c.db()).put("keys", c.keys()).put("with_expiry", c.withExpiry()).put("mapped", c.mapped());
            }
        }
        ArrayNode buckets = root.putArray("buckets");
        for (TargetBucket b : r.buckets()) {
            buckets.addObject().put("name", b.name()).put("source_db", b.sourceDb()).put("expected", b.expected())
                    .put("expired_during_run", b.expiredDuringRun()).put("found", b.found())
                    .put("unexplained", b.unexplained()).put("explanation", b.explanation());
        }
        ObjectNode totals = root.putObject("totals");
        ObjectNode examples = root.putObject("examples");
        for (DiffKind k : DiffKind.values()) {
            totals.put(k.label(), r.total(k));
            examples.putArray(k.label());
        }
        for (Difference d : r.examples()) {
            example((ArrayNode) examples.get(d.kind().label()), d);
        }
        ArrayNode busy = root.putArray("busy");
        for (Difference d : r.busy()) {
            example(busy, d);
        }
        if (r.repair() != null) {
            repair(root.putObject("repair"), r.repair());
            root.put("repaired", r.succeeded());
        }
        return root;
    }

    /** {@code repair}: {@code complete}, per kind per outcome counts, and examples with their outcome. */
    private static void repair(ObjectNode into, RepairReport r) {
        into.put("complete", r.complete());
        ObjectNode totals = into.putObject("totals");
        for (DiffKind k : DiffKind.values()) {
            ObjectNode kind = totals.putObject(k.label());
            for (RepairOutcome o : RepairOutcome.values()) {
                kind.put(o.label(), r.count(k, o));
            }
        }
        ArrayNode examples = into.putArray("examples");
        for (RepairedKey k : r.examples()) {
            example(examples, k.difference());
            ((ObjectNode) examples.get(examples.size() - 1)).put("kind", k.difference().kind().label())
                    .put("outcome", k.outcome().label()).put("repair", k.detail());
        }
    }

    private static void example(ArrayNode into, Difference d) {
        into.addObject()
                .put("source", d.source())
                .put("db", d.db())
                .put("key", d.shownKey())
                .put("key_hex", d.hexKey())
                .put("source_key", KeyText.printable(d.sourceKey()))
                .put("detail", d.detail());
    }
}
