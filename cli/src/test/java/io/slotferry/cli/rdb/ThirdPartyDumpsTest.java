package io.slotferry.cli.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.slotferry.rdb.RdbEvent;
import io.slotferry.rdb.RdbFormatException;
import io.slotferry.rdb.RdbOptions;
import io.slotferry.rdb.RdbReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The RDB files other projects ship in their test suites ({@code redis-assets/}, {@code rdbtools-dumps/})
 * hold exactly what their READMEs state, and the corrupt one is rejected with an offset.
 */
class ThirdPartyDumpsTest {
    private static Path assets() {
        return Corpus.dir().resolve("redis-assets");
    }

    private static Path rdbtools() {
        return Corpus.dir().resolve("rdbtools-dumps");
    }

    private static String value(Map<String, JsonNode> keys, String key) {
        return keys.get("0/" + key).get("value").toString();
    }

    @Test
    void encodingsRdbHoldsTheThirteenKeysOfRedisEncodingTest() {
        Map<String, JsonNode> k = Corpus.dump(assets().resolve("encodings.rdb"));
        assertEquals(13, k.size());
        assertEquals("\"" + "a".repeat(137) + "\"", value(k, "compressible"));
        assertEquals("{\"a\":\"1\",\"aa\":\"10\",\"aaa\":\"100\",\"b\":\"2\",\"bb\":\"20\",\"bbb\":\"200\",\"c\":\"3\",\"cc\":\"30\","
                + "\"ccc\":\"300\",\"ddd\":\"400\",\"eee\":\"5000000000\"}", value(k, "hash"));
        assertEquals("{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}", value(k, "hash_zipped"));
        String eight = "\"1\",\"2\",\"3\",\"a\",\"b\",\"c\",\"100000\",\"6000000000\"";
        assertEquals("[" + eight + "," + eight + "," + eight + "]", value(k, "list"));
        assertEquals("[" + eight + "]", value(k, "list_zipped"));
        assertEquals("\"10\"", value(k, "number"));
        assertEquals("[\"1\",\"100000\",\"2\",\"3\",\"6000000000\",\"a\",\"b\",\"c\"]", value(k, "set"));
        assertEquals("[\"1\",\"2\",\"3\",\"4\"]", value(k, "set_zipped_1"));
        assertEquals("[\"100000\",\"200000\",\"300000\",\"400000\"]", value(k, "set_zipped_2"));
        assertEquals("[\"1000000000\",\"2000000000\",\"3000000000\",\"4000000000\",\"5000000000\",\"6000000000\"]", value(k, "set_zipped_3"));
        assertEquals("\"Hello World\"", value(k, "string"));
        assertEquals("[[\"a\",1.0],[\"b\",2.0],[\"c\",3.0],[\"aa\",10.0],[\"bb\",20.0],[\"cc\",30.0],[\"aaa\",100.0],[\"bbb\",200.0],"
                + "[\"ccc\",300.0],[\"aaaa\",1000.0],[\"cccc\",1.23456789E8],[\"bbbb\",5.0E9]]", value(k, "zset"));
        assertEquals("[[\"a\",1.0],[\"b\",2.0],[\"c\",3.0]]", value(k, "zset_zipped"));
    }

    @Test
    void oldHashAndZsetEncodingsConvertAsRedisTestsExpect() {
        assertEquals("{\"f1\":\"v1\",\"f2\":\"v2\"}", value(Corpus.dump(assets().resolve("hash-zipmap.rdb")), "hash"));
        assertEquals("{\"f1\":\"v1\",\"f2\":\"v2\"}", value(Corpus.dump(assets().resolve("hash-ziplist.rdb")), "hash"));
        assertEquals("[[\"one\",1.0],[\"two\",2.0]]", value(Corpus.dump(assets().resolve("zset-ziplist.rdb")), "zset"));
        Map<String, JsonNode> q = Corpus.dump(assets().resolve("list-quicklist.rdb"));
        assertEquals("\"7\"", value(q, "x"));
        assertEquals("7", q.get("0/list").get("value").get(0).asText());
    }

    @Test
    void scriptBackupHasNoKeysAndItsLuaAuxField() throws IOException {
        assertTrue(Corpus.dump(assets().resolve("scriptbackup.rdb")).isEmpty());
        List<String> lua = new ArrayList<>();
        for (RdbEvent e : events(assets().resolve("scriptbackup.rdb"))) {
            if (e instanceof RdbEvent.Aux a && new String(a.name(), StandardCharsets.US_ASCII).equals("lua")) {
                lua.add(new String(a.value(), StandardCharsets.UTF_8));
            }
        }
        assertEquals(List.of("return redis.call('set', 'foo', 'bar')"), lua);
    }

    @Test
    void emptyCollectionsAreReportedEmpty() {
        Map<String, JsonNode> k = Corpus.dump(assets().resolve("corrupt_empty_keys.rdb"));
        assertEquals(9, k.size());
        for (JsonNode n : k.values()) {
            assertEquals(0, n.get("value").size(), n.toString());
        }
    }

    @Test
    void corruptZiplistIsRejectedWithItsOffset() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Corpus.dump(assets().resolve("corrupt_ziplist.rdb")));
        RdbFormatException f = (RdbFormatException) e.getCause();
        assertEquals(488, f.offset());
        assertTrue(f.getMessage().contains("ziplist"), f.getMessage());
        // Raw mode (the RESTORE path) must refuse it too: the payload would reach a target server.
        assertThrows(RdbFormatException.class, () -> events(assets().resolve("corrupt_ziplist.rdb"), RdbOptions.raw()));
    }

    @Test
    void rdbToolsDumpsHoldWhatTheirTestsState() {
        assertTrue(Corpus.dump(rdbtools().resolve("empty_database.rdb")).isEmpty());
        Map<String, JsonNode> multi = Corpus.dump(rdbtools().resolve("multiple_databases.rdb"));
        assertEquals(Map.of("0/key_in_zeroth_database", "\"zero\"", "2/key_in_second_database", "\"second\""),
                Map.of("0/key_in_zeroth_database", multi.get("0/key_in_zeroth_database").get("value").toString(),
                        "2/key_in_second_database", multi.get("2/key_in_second_database").get("value").toString()));
        assertEquals(2, multi.size());
        assertEquals(1671963072573L, Corpus.dump(rdbtools().resolve("keys_with_expiry.rdb")).get("0/expires_ms_precision").get("expire_ms").asLong());
        Map<String, JsonNode> ints = Corpus.dump(rdbtools().resolve("integer_keys.rdb"));
        assertEquals("\"Positive 8 bit integer\"", value(ints, "125"));
        assertEquals("\"Positive 16 bit integer\"", value(ints, "43947"));
        assertEquals("\"Positive 32 bit integer\"", value(ints, "183358245"));
        assertEquals("\"Negative 8 bit integer\"", value(ints, "-123"));
        assertEquals("\"Negative 16 bit integer\"", value(ints, "-29477"));
        assertEquals("\"Negative 32 bit integer\"", value(ints, "-183358245"));
        assertEquals("\"Key that redis should compress easily\"", value(Corpus.dump(rdbtools().resolve("easily_compressible_string_key.rdb")), "a".repeat(200)));
        Map<String, JsonNode> unc = Corpus.dump(rdbtools().resolve("uncompressible_string_keys.rdb"));
        assertEquals(List.of(60, 16382, 16386), unc.keySet().stream().map(s -> s.length() - 2).sorted().toList());
        String zm = "{\"a\":\"aa\",\"aa\":\"aaaa\",\"aaaaa\":\"aaaaaaaaaaaaaa\"}";
        assertEquals(zm, value(Corpus.dump(rdbtools().resolve("zipmap_that_compresses_easily.rdb")), "zipmap_compresses_easily"));
        assertEquals(zm, value(Corpus.dump(rdbtools().resolve("hash_as_ziplist.rdb")), "zipmap_compresses_easily"));
        assertEquals("{\"MKD1G6\":\"2\",\"YNNXK\":\"F7TI\"}", value(Corpus.dump(rdbtools().resolve("zipmap_that_doesnt_compress.rdb")), "zimap_doesnt_compress"));
        JsonNode big = Corpus.dump(rdbtools().resolve("zipmap_with_big_values.rdb")).get("0/zipmap_with_big_values").get("value");
        assertEquals(253, big.get("253bytes").asText().length());
        assertEquals(254, big.get("254bytes").asText().length());
        assertEquals(255, big.get("255bytes").asText().length());
        assertEquals(300, big.get("300bytes").asText().length());
        assertEquals(20000, big.get("20kbytes").get("len").asInt());
        JsonNode dict = Corpus.dump(rdbtools().resolve("dictionary.rdb")).get("0/force_dictionary").get("value");
        assertEquals(1000, dict.size());
        assertEquals("T63SOS8DQJF0Q0VJEZ0D1IQFCYTIPSBOUIAI9SB0OV57MQR1FI", dict.get("ZMU5WEJDG7KU89AOG5LJT6K7HMNB3DEI43M6EYTJ83VRJ6XNXQ").asText());
        assertEquals("6VULTCV52FXJ8MGVSFTZVAGK2JXZMGQ5F8OVJI0X6GEDDR27RZ", dict.get("UHS5ESW4HLK8XOGTM39IK1SJEUGVV9WOPK6JYA5QBZSJU84491").asText());
        String six = "aaaaaa";
        assertEquals("[\"" + six + "\",\"" + six.repeat(2) + "\",\"" + six.repeat(3) + "\",\"" + six.repeat(4) + "\",\"" + six.repeat(5)
                + "\",\"" + six.repeat(6) + "\"]", value(Corpus.dump(rdbtools().resolve("ziplist_that_compresses_easily.rdb")), "ziplist_compresses_easily"));
        assertEquals("[\"aj2410\",\"cc953a17a8e096e76a44169ad3f9ac87c5f8248a403274416179aa9fbd852344\"]",
                value(Corpus.dump(rdbtools().resolve("ziplist_that_doesnt_compress.rdb")), "ziplist_doesnt_compress"));
        assertEquals("[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\",\"12\",\"-2\",\"13\",\"25\",\"-61\",\"63\","
                + "\"16380\",\"-16000\",\"65535\",\"-65523\",\"4194304\",\"9223372036854775807\"]",
                value(Corpus.dump(rdbtools().resolve("ziplist_with_integers.rdb")), "ziplist_with_integers"));
        JsonNode linked = Corpus.dump(rdbtools().resolve("linkedlist.rdb")).get("0/force_linkedlist").get("value");
        assertEquals(1000, linked.size());
        assertTrue(linked.toString().contains("JYY4GIFI0ETHKP4VAJF5333082J4R1UPNPLE329YT0EYPGHSJQ"));
        assertTrue(linked.toString().contains("TKBXHJOX9Q99ICF4V78XTCA2Y1UYW6ERL35JCIL1O0KSGXS58S"));
        assertEquals("[\"32764\",\"32765\",\"32766\"]", value(Corpus.dump(rdbtools().resolve("intset_16.rdb")), "intset_16"));
        assertEquals("[\"2147418108\",\"2147418109\",\"2147418110\"]", value(Corpus.dump(rdbtools().resolve("intset_32.rdb")), "intset_32"));
        assertEquals("[\"9223090557583032316\",\"9223090557583032317\",\"9223090557583032318\"]", value(Corpus.dump(rdbtools().resolve("intset_64.rdb")), "intset_64"));
        assertEquals("[\"alpha\",\"beta\",\"delta\",\"gamma\",\"kappa\",\"phi\"]", value(Corpus.dump(rdbtools().resolve("regular_set.rdb")), "regular_set"));
        JsonNode sorted = Corpus.dump(rdbtools().resolve("regular_sorted_set.rdb")).get("0/force_sorted_set").get("value");
        assertEquals(500, sorted.size());
        assertEquals(0.0, sorted.get(0).get(1).asDouble());
        assertEquals(4.99, sorted.get(499).get(1).asDouble());
        assertEquals("[[\"8b6ba6718a786daefa69438148361901\",1.0],[\"cb7a24bb7528f934b841b34c3a73e0c7\",2.37],[\"523af537946b79c4f8369ed39ba78605\",3.423]]",
                value(Corpus.dump(rdbtools().resolve("sorted_set_as_ziplist.rdb")), "sorted_set_as_ziplist"));
        Map<String, JsonNode> filters = Corpus.dump(rdbtools().resolve("parser_filters.rdb"));
        assertEquals(43, filters.size());
        assertEquals("\"ssssssss\"", value(filters, "k1"));
        assertEquals("\"wwwwwwww\"", value(filters, "k3"));
        assertEquals(List.of("0/z1", "0/z2", "0/z3", "0/z4"), filters.entrySet().stream()
                .filter(x -> x.getValue().get("type").asText().equals("zset")).map(Map.Entry::getKey).sorted().toList());
        Map<String, JsonNode> v5 = Corpus.dump(rdbtools().resolve("rdb_version_5_with_checksum.rdb"));
        // The README names five pairs; the file (checksum valid) also holds abc -> def.
        assertEquals("\"efgh\"", value(v5, "abcd"));
        assertEquals("\"bar\"", value(v5, "foo"));
        assertEquals("\"baz\"", value(v5, "bar"));
        assertEquals("\"abcdef\"", value(v5, "abcdef"));
        assertEquals("\"thisisalongerstring.idontknowwhatitmeans\"", value(v5, "longerstring"));
        Map<String, JsonNode> v8 = Corpus.dump(rdbtools().resolve("rdb_version_8_with_64b_length_and_scores.rdb"));
        assertEquals("\"bar\"", value(v8, "foo"));
        assertEquals(1000, v8.get("0/bigset").get("value").size());
        assertTrue(v8.get("0/bigset").get("value").toString().contains("[\"finalfield\",2.718]"));
    }

    @Test
    void nonAsciiValuesKeepEveryByte() {
        Map<String, JsonNode> k = Corpus.dump(rdbtools().resolve("non_ascii_values.rdb"));
        assertEquals("\"123\"", value(k, "int_value"));
        assertEquals("\"int_key_name\"", value(k, "378"));
        assertEquals("\"!+ Ab^~\"", value(k, "printable"));
        assertEquals("ACEgfjAKCQ1BYg==", base64(k, "ascii"));
        assertEquals("ACQgfjB//wqqCYANQWI=", base64(k, "bin"));
        assertEquals("15HXk9eZ16fXlPCQgI8xMjPXoteR16jXmdeq", base64(k, "utf8"));
    }

    @Test
    void moduleValuesAndModuleAuxAreReportedNotFatal() throws IOException {
        Map<String, JsonNode> k = Corpus.dump(rdbtools().resolve("redis_40_with_module.rdb"));
        assertEquals("module", k.get("0/foo").get("type").asText());
        assertEquals("ReJSON-RL", k.get("0/foo").get("module_type").asText());
        assertEquals("\"someval\"", value(k, "simplekey"));
        RdbEvent.End end = (RdbEvent.End) last(events(rdbtools().resolve("redis_40_with_module.rdb")));
        assertEquals(40, end.trailingBytes(), "the 40 bytes after the end are tolerated and counted");
        assertTrue(Corpus.dump(rdbtools().resolve("redis_60_with_module_aux.rdb")).isEmpty());
        assertTrue(events(rdbtools().resolve("redis_60_with_module_aux.rdb")).stream().anyMatch(e -> e instanceof RdbEvent.ModuleAux));
    }

    @Test
    void streamsOfRedis5AreDecoded() {
        JsonNode s = Corpus.dump(rdbtools().resolve("redis_50_with_streams.rdb")).get("0/mystream").get("value");
        assertEquals(4, s.get("entries").size());
        assertEquals(4, s.get("length").asInt());
    }

    private static String base64(Map<String, JsonNode> k, String key) {
        return Base64.getEncoder().encodeToString(k.get("0/" + key).get("value").asText().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static RdbEvent last(List<RdbEvent> events) {
        return events.get(events.size() - 1);
    }

    static List<RdbEvent> events(Path file) throws IOException {
        return events(file, RdbOptions.decoded());
    }

    static List<RdbEvent> events(Path file, RdbOptions options) throws IOException {
        List<RdbEvent> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file); RdbReader r = RdbReader.open(in, options)) {
            RdbEvent e;
            while ((e = r.next()) != null) {
                out.add(e);
            }
        }
        return out;
    }
}
