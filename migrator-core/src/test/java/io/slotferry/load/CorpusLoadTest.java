package io.slotferry.load;

import static io.slotferry.load.RecordingSink.commands;
import static io.slotferry.load.RecordingSink.text;
import static io.slotferry.load.SnapshotLoaderTest.OPTIONS;
import static io.slotferry.load.SnapshotLoaderTest.REDIS_70;
import static io.slotferry.load.SnapshotLoaderTest.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbOptions;
import io.slotferry.rdb.RdbReader;
import io.slotferry.rdb.RdbType;
import io.slotferry.write.DataErrorPolicy;
import io.slotferry.write.Write;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Command shapes for real RDB files of the shared corpus: type stamping, streams, hash field TTLs, modules. */
class CorpusLoadTest {

    private static LoadOptions only(String... keys) {
        Set<String> wanted = Set.of(keys);
        return OPTIONS.withKeyMapping((db, key) -> db == 0 && wanted.contains(text(key)) ? key : null);
    }

    private static Map<String, RdbType> typesOf(Path rdb) throws Exception {
        Map<String, RdbType> types = new HashMap<>();
        try (InputStream in = Files.newInputStream(rdb); RdbReader r = RdbReader.open(in, RdbOptions.raw())) {
            RdbEvent e;
            while ((e = r.next()) != null) {
                if (e instanceof RdbEvent.RawValue v && v.key().db() == 0) {
                    types.put(text(v.key().key()), v.key().type());
                }
            }
        }
        return types;
    }

    @Test
    void typesTheTargetKnowsAreRestoredStampedWithItsVersionAndOthersRewritten() throws Exception {
        Path rdb = CorpusFiles.file("redis-7.4.1.rdb");
        Map<String, RdbType> types = typesOf(rdb);
        LoadStats stats = new LoadStats();
        RecordingSink sink = load(rdb, REDIS_70, OPTIONS.withDataErrorPolicy(DataErrorPolicy.SKIP), stats);

        Set<RdbType> restored = new TreeSet<>();
        Set<RdbType> rewritten = new TreeSet<>();
        Set<String> seen = new TreeSet<>();
        for (Write w : sink.writes) {
            if (!seen.add(text(w.key()))) {
                continue; // a later write of a rewritten key
            }
            List<byte[]> first = w.commands().get(0);
            RdbType type = types.get(text(w.key()));
            if (text(first.get(0)).equals("RESTORE")) {
                byte[] payload = first.get(3);
                assertEquals(10, new RestorePayload(payload).rdbVersion(), "a v12 file's value stamped for a 7.0 target");
                restored.add(type);
            } else {
                assertEquals("DEL", text(first.get(0)));
                rewritten.add(type);
            }
        }
        assertTrue(restored.containsAll(List.of(RdbType.STRING, RdbType.HASH_LISTPACK, RdbType.ZSET_LISTPACK,
                RdbType.LIST_QUICKLIST_2, RdbType.SET_INTSET, RdbType.ZSET_2)), restored.toString());
        assertEquals(Set.of(RdbType.SET_LISTPACK, RdbType.STREAM_LISTPACKS_3, RdbType.HASH_LISTPACK_EX), rewritten,
                "types after RDB 10 take the rewrite path");
        assertEquals(3, stats.snapshot().failed(), "hfe:large (HASH_METADATA), hfe:small and hfe:keyttl need field TTLs");

        RecordingSink to72 = load(rdb, TargetCapabilities.redis("7.2.6"), OPTIONS.withDataErrorPolicy(DataErrorPolicy.SKIP));
        assertTrue(to72.writes.stream().filter(w -> text(w.commands().get(0).get(0)).equals("RESTORE"))
                .allMatch(w -> new RestorePayload(w.commands().get(0).get(3)).rdbVersion() == 11));
    }

    @Test
    void aStreamIsRebuiltWithGroupsConsumersAndPendingEntriesOfDeletedEntries() throws Exception {
        RecordingSink sink = load(CorpusFiles.file("redis-7.2.6.rdb"), REDIS_70,
                only("stream:groups").withMode(LoadMode.REWRITE));
        List<String> all = new ArrayList<>();
        sink.writes.forEach(w -> all.addAll(commands(w)));

        assertEquals("DEL stream:groups", all.get(0));
        int twoOne = all.indexOf("XADD stream:groups 2-1 n 2");
        assertEquals("XADD stream:groups 3-1 slotferry:deleted-pending ", all.get(twoOne + 1),
                "the pending ID of a deleted entry is added in order, to be claimed");
        assertEquals("XADD stream:groups 4-1 n 4", all.get(twoOne + 2));
        assertTrue(all.contains("XSETID stream:groups 12-1 ENTRIESADDED 12 MAXDELETEDID 3-1"), all.toString());
        assertTrue(all.contains("XGROUP CREATE stream:groups g1 8-1 ENTRIESREAD 8"));
        assertTrue(all.contains("XGROUP CREATE stream:groups g2 11-1"), "entries-read unknown: not sent");
        assertTrue(all.contains("XGROUP CREATECONSUMER stream:groups g1 carol"));
        assertTrue(all.contains("XGROUP CREATECONSUMER stream:groups g1 erin"));

        // group, consumer, id, delivery count: the manifest's pending lists
        Set<String> claimed = new TreeSet<>();
        String group = null;
        for (String c : all) {
            String[] w = c.split(" ");
            if (w[0].equals("XGROUP") && w[1].equals("CREATE")) {
                group = w[3];
            } else if (w[0].equals("XCLAIM")) {
                assertEquals(group, w[2]);
                int time = List.of(w).indexOf("TIME");
                assertEquals("0", w[4], "min-idle-time 0");
                assertEquals(List.of("RETRYCOUNT", w[time + 3], "FORCE", "JUSTID").toString(),
                        List.of(w).subList(time + 2, w.length).toString());
                for (int i = 5; i < time; i++) {
                    claimed.add(group + " " + w[3] + " " + w[i] + " " + w[time + 3]);
                }
            }
        }
        assertEquals(new TreeSet<>(List.of("g1 bob 2-1 2", "g1 alice 3-1 1", "g1 alice 4-1 1", "g1 bob 5-1 1",
                "g1 bob 6-1 1", "g1 bob 7-1 1", "g2 dave 11-1 1")), claimed);

        for (Write w : sink.writes) {
            String claims = String.join(" ", commands(w));
            if (claims.startsWith("XCLAIM")) {
                boolean placeholder = claims.contains(" 3-1 ");
                assertEquals(placeholder, w.probe() != null, "only an XCLAIM of a placeholder is guarded: " + claims);
                if (placeholder) {
                    assertEquals("XLEN stream:groups", text(w.probe().command()));
                    assertEquals(12, w.lengthProbe().notAppliedWhen(), "re-sent only while the placeholder exists");
                    assertEquals(Long.MAX_VALUE, w.lengthProbe().appliedWhen());
                }
            }
        }
        Write last = sink.writes.get(sink.writes.size() - 1);
        assertEquals(List.of("XDEL stream:groups 3-1"), commands(last), "the placeholder goes once claimed");
        assertEquals(1, last.completesKeys());
    }

    @Test
    void olderTargetsGetStreamCommandsTheyHaveOrADataErrorThatUndoesTheKey() throws Exception {
        Path rdb = CorpusFiles.file("redis-7.2.6.rdb");
        RecordingSink to62 = load(rdb, TargetCapabilities.redis("6.2.16"), only("stream:groups").withMode(LoadMode.REWRITE));
        List<String> all = new ArrayList<>();
        to62.writes.forEach(w -> all.addAll(commands(w)));
        assertTrue(all.contains("XSETID stream:groups 12-1"), "no ENTRIESADDED/MAXDELETEDID before 7.0");
        assertTrue(all.contains("XGROUP CREATE stream:groups g1 8-1"), "no ENTRIESREAD before 7.0");
        assertTrue(all.contains("XGROUP CREATECONSUMER stream:groups g1 carol"), "6.2 has CREATECONSUMER");

        LoadStats stats = new LoadStats();
        RecordingSink to60 = load(rdb, TargetCapabilities.redis("6.0.20"),
                only("stream:groups").withMode(LoadMode.REWRITE).withDataErrorPolicy(DataErrorPolicy.SKIP), stats);
        Write last = to60.writes.get(to60.writes.size() - 1);
        assertEquals(List.of("DEL stream:groups"), commands(last), "what was written of the key is deleted again");
        assertEquals(0, last.completesKeys());
        assertEquals(0, to60.writes.stream().mapToInt(Write::completesKeys).sum());
        assertEquals(1, stats.snapshot().failed());
        assertTrue(stats.recentFailures().get(0).contains("carol"), stats.recentFailures().get(0));

        LoadStats old = new LoadStats();
        RecordingSink to40 = load(rdb, TargetCapabilities.redis("4.0.14"),
                only("stream:groups").withDataErrorPolicy(DataErrorPolicy.SKIP), old);
        assertEquals(List.of(), to40.writes, "no streams before 5.0: nothing is written");
        assertEquals(1, old.snapshot().failed());
    }

    @Test
    void streamEntryWritesAfterTheFirstCarryXlenProbes() throws Exception {
        RecordingSink sink = load(CorpusFiles.file("redis-7.2.6.rdb"), REDIS_70,
                only("stream:large", "stream:empty", "stream:mkstream").withMode(LoadMode.REWRITE).withChunks(1024, 1 << 20));
        List<Write> large = sink.of("stream:large");
        long xadds = 0;
        for (int i = 0; i < large.size(); i++) {
            Write w = large.get(i);
            long n = w.commands().stream().filter(c -> text(c.get(0)).equals("XADD")).count();
            if (i > 0 && n > 0) {
                assertEquals("XLEN stream:large", text(w.probe().command()));
                assertEquals(xadds, w.lengthProbe().notAppliedWhen());
                assertEquals(xadds + n, w.lengthProbe().appliedWhen());
            } else if (n == 0) {
                assertNull(w.probe(), "metadata writes may be re-sent");
            }
            xadds += n;
        }
        assertEquals(200, xadds, "stream:large keeps 200 live entries");
        assertTrue(large.stream().filter(w -> w.probe() != null).count() >= 2, "several nodes, several probed writes");

        assertEquals(List.of("DEL stream:empty", "XGROUP CREATE stream:empty slotferry:mkstream 0 MKSTREAM",
                "XGROUP DESTROY stream:empty slotferry:mkstream", "XSETID stream:empty 5-1 ENTRIESADDED 1 MAXDELETEDID 5-1"),
                commands(sink.of("stream:empty").get(0)), "an empty stream is created empty, then its IDs set");
        assertEquals(2, sink.of("stream:mkstream").size());
    }

    @Test
    void hashFieldTtlsAreWrittenWithHpexpireatWhereTheTargetHasThem() throws Exception {
        Path rdb = CorpusFiles.file("redis-7.4.1.rdb");
        RecordingSink sink = load(rdb, TargetCapabilities.redis("7.4.1"), only("hfe:small", "hfe:soon").withMode(LoadMode.REWRITE));

        List<String> small = commands(sink.of("hfe:small").get(0));
        assertEquals("DEL hfe:small", small.get(0));
        assertEquals(Set.of("f1 v1", "f2 v2", "f3 v3", "f4 v4"), pairs(small.get(1), "HSET hfe:small "));
        Set<String> expiries = new TreeSet<>();
        small.subList(2, small.size()).forEach(c -> expiries.add(withSortedFields(c)));
        assertEquals(Set.of("HPEXPIREAT hfe:small 4102444800500 FIELDS 1 f1", "HPEXPIREAT hfe:small 4102444900000 FIELDS 2 f2 f3"),
                expiries, "one HPEXPIREAT per distinct expiry, in the HSET's transaction");
        assertEquals(4, small.size());
        assertEquals(List.of("DEL hfe:soon", "HSET hfe:soon f2 v2"), commands(sink.of("hfe:soon").get(0)),
                "a field whose TTL passed is left out");

        RecordingSink restored = load(rdb, TargetCapabilities.redis("7.4.1"), only("hfe:small"));
        assertEquals("RESTORE", text(restored.writes.get(0).commands().get(0).get(0)), "7.4 restores its own types");
    }

    @Test
    void hashFieldTtlsOnATargetWithoutThemAreDataErrors() throws Exception {
        Path rdb = CorpusFiles.file("redis-7.4.1.rdb");
        LoadStats stats = new LoadStats();
        RecordingSink sink = load(rdb, REDIS_70, only("hfe:small", "hfe:large", "hfe:keyttl", "hfe:persisted", "hfe:soon")
                .withDataErrorPolicy(DataErrorPolicy.SKIP), stats);

        assertEquals(Set.of("hfe:persisted", "hfe:soon"), new TreeSet<>(sink.writes.stream().map(w -> text(w.key())).toList()),
                "never loaded without the field TTLs; hashes without live field TTLs load as plain hashes");
        assertEquals(3, stats.snapshot().failed());
        assertEquals(3, stats.recentFailures().size());
        assertTrue(stats.recentFailures().get(0).contains("TTL"), stats.recentFailures().get(0));

        LoadException stop = assertThrows(LoadException.class, () -> load(rdb, REDIS_70, only("hfe:small")));
        assertTrue(stop.getMessage().contains("'hfe:small'"), stop.getMessage());
    }

    @Test
    void moduleValuesAreRestoredButAreDataErrorsOnTheRewritePath() throws Exception {
        Path rdb = CorpusFiles.file("redis-7.2.6-module.rdb");
        LoadStats restoring = new LoadStats();
        RecordingSink restored = load(rdb, REDIS_70, OPTIONS, restoring);
        assertEquals(4, restored.writes.size());
        assertTrue(restored.writes.stream().allMatch(w -> text(w.commands().get(0).get(0)).equals("RESTORE")),
                "a module value is tried as RESTORE: fine where the target has the module");
        assertEquals(2, restoring.snapshot().moduleAux());

        LoadStats rewriting = new LoadStats();
        RecordingSink rewritten = load(rdb, REDIS_70, OPTIONS.withMode(LoadMode.REWRITE).withDataErrorPolicy(DataErrorPolicy.SKIP),
                rewriting);
        assertEquals(List.of("plain:string"), rewritten.writes.stream().map(w -> text(w.key())).toList());
        assertEquals(3, rewriting.snapshot().failed(), "reported, not dropped silently");
        assertTrue(rewriting.recentFailures().get(0).contains("test__rdb"), rewriting.recentFailures().get(0));
    }

    @Test
    void scriptsAndFunctionLibrariesAreCountedNotLoaded() throws Exception {
        LoadStats withScripts = new LoadStats();
        load(CorpusFiles.file("redis-6.2.16-psync.rdb"), REDIS_70, OPTIONS, withScripts);
        assertEquals(2, withScripts.snapshot().scripts());
        LoadStats withFunctions = new LoadStats();
        LoadSummary summary = SnapshotLoader.load(CorpusFiles.file("redis-7.2.6.rdb"), new RecordingSink(withFunctions),
                REDIS_70, OPTIONS, withFunctions);
        assertEquals(1, summary.counts().functionLibraries());
        assertEquals(11, summary.rdbVersion());
        assertEquals(81 + 5 + 4, summary.counts().keysRead());
        assertEquals(9, summary.counts().skippedOtherDb());
    }

    /** "f v" pairs of a command that starts with {@code prefix}. */
    private static Set<String> pairs(String command, String prefix) {
        assertTrue(command.startsWith(prefix), command);
        String[] w = command.substring(prefix.length()).split(" ");
        Set<String> pairs = new TreeSet<>();
        for (int i = 0; i + 1 < w.length; i += 2) {
            pairs.add(w[i] + " " + w[i + 1]);
        }
        return pairs;
    }

    /** {@code HPEXPIREAT key ms FIELDS n f...} with the fields sorted (storage order is not meaningful). */
    private static String withSortedFields(String command) {
        String[] w = command.split(" ");
        List<String> fields = new ArrayList<>(List.of(w).subList(5, w.length));
        fields.sort(null);
        return String.join(" ", List.of(w).subList(0, 5)) + " " + String.join(" ", fields);
    }
}
