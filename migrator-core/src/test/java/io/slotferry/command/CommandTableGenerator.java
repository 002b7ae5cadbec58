package io.slotferry.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds {@code commands.tsv} from the {@code COMMAND} captures in {@code ../shared/redis-commands}.
 * Test scope: the table is generated once and checked in, never built from JSON at run time.
 *
 * <p>Usage: {@code CommandTableGenerator CAPTURES_DIR OUT_FILE}; {@code scripts/gen-command-table.sh}
 * calls it. {@link CommandTableCapturesTest} checks that the checked-in table equals a fresh run.
 */
public final class CommandTableGenerator {
    /**
     * The captures from oldest to newest. A command seen in several takes the entry of the last one
     * here. Valkey 8.0.1 reports redis_version 7.2.4, so it sits after Redis 7.2.6 and before 7.4.1:
     * for a command both have, Redis 7.4's metadata wins.
     */
    static final List<String> CAPTURES = List.of(
            "redis-2.4.18", "redis-2.8.24", "redis-3.0.7", "redis-3.2.13", "codis-server-3.2.11",
            "redis-4.0.14", "redis-5.0.14", "redis-6.0.20", "redis-6.2.16", "redis-7.0.15",
            "redis-7.2.6", "valkey-8.0.1", "redis-7.4.1", "redis-8.0-m01");

    private CommandTableGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: CommandTableGenerator CAPTURES_DIR OUT_FILE");
            System.exit(2);
        }
        Files.writeString(Path.of(args[1]), generate(Path.of(args[0])), StandardCharsets.UTF_8);
    }

    /** The whole {@code commands.tsv} text for the captures in {@code dir}. */
    static String generate(Path dir) {
        Map<String, String[]> newest = new TreeMap<>();
        Map<String, String> firstSeen = new LinkedHashMap<>();
        Map<String, String> lastSeen = new LinkedHashMap<>();
        for (String label : CAPTURES) {
            JsonNode capture = read(dir.resolve(label + ".json"));
            JsonNode command = capture.get("command");
            if (command == null || command.isNull()) {
                continue; // 2.4 has no COMMAND
            }
            for (JsonNode entry : flatten(command)) {
                String name = entry.get(0).asText().toLowerCase(Locale.ROOT);
                newest.put(name, row(entry));
                firstSeen.putIfAbsent(name, label);
                lastSeen.put(name, label);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(header());
        for (Map.Entry<String, String[]> e : newest.entrySet()) {
            String name = e.getKey();
            String[] r = e.getValue();
            out.append(name);
            for (String field : r) {
                out.append('\t').append(field);
            }
            out.append('\t').append(firstSeen.get(name)).append('\t').append(lastSeen.get(name)).append('\n');
        }
        return out.toString();
    }

    private static String header() {
        StringBuilder h = new StringBuilder();
        h.append("# slotferry command table: the union of COMMAND of all captures. GENERATED, do not edit: fix\n");
        h.append("# things in overrides.tsv instead. Source: ../shared/redis-commands/{");
        h.append(String.join(",", CAPTURES)).append("}.json\n");
        h.append("# (captures listed oldest to newest; a command takes the entry of the newest capture that has it).\n");
        h.append("# Regenerate: scripts/gen-command-table.sh (CommandTableGenerator, test scope).\n");
        h.append("# Columns (tab-separated; '-' = empty): name arity flags first_key last_key step key_specs tips first_seen last_seen\n");
        h.append("#   flags, tips: comma-separated. key_specs: ';'-separated specs, each 'FLAGS BEGIN FIND' (space-separated):\n");
        h.append("#   FLAGS = comma-separated key-spec flags; BEGIN = index:POS | keyword:KEYWORD,STARTFROM | unknown;\n");
        h.append("#   FIND = range:LASTKEY,KEYSTEP,LIMIT | keynum:KEYNUMIDX,FIRSTKEY,KEYSTEP | unknown.\n");
        h.append("#   first_seen/last_seen: oldest/newest capture (in the order above) listing the command.\n");
        return h.toString();
    }

    /** Top-level entries and (7.0+) their subcommand entries, named {@code container|sub}. */
    private static List<JsonNode> flatten(JsonNode entries) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode e : entries) {
            JsonNode entry = e;
            all.add(entry);
            if (entry.size() > 9) {
                all.addAll(flatten(entry.get(9)));
            }
        }
        return all;
    }

    private static String[] row(JsonNode entry) {
        List<String> flags = strings(entry.get(2));
        List<String> tips = entry.size() > 7 ? strings(entry.get(7)) : List.of();
        List<String> specs = new ArrayList<>();
        if (entry.size() > 8) {
            for (JsonNode s : entry.get(8)) {
                specs.add(keySpec(s));
            }
        }
        return new String[] {
            entry.get(1).asText(), list(flags, ","),
            entry.get(3).asText(), entry.get(4).asText(), entry.get(5).asText(),
            list(specs, ";"), list(tips, ",")};
    }

    private static String keySpec(JsonNode flatMap) {
        Map<String, JsonNode> m = map(flatMap);
        String flags = list(strings(m.get("flags")), ",");
        Map<String, JsonNode> bs = map(m.get("begin_search"));
        Map<String, JsonNode> bsSpec = map(bs.get("spec"));
        String begin = switch (bs.get("type").asText()) {
            case "index" -> "index:" + bsSpec.get("index").asText();
            case "keyword" -> "keyword:" + bsSpec.get("keyword").asText() + "," + bsSpec.get("startfrom").asText();
            case "unknown" -> "unknown";
            default -> throw new IllegalArgumentException("begin_search type " + bs.get("type"));
        };
        Map<String, JsonNode> fk = map(m.get("find_keys"));
        Map<String, JsonNode> fkSpec = map(fk.get("spec"));
        String find = switch (fk.get("type").asText()) {
            case "range" -> "range:" + fkSpec.get("lastkey").asText() + "," + fkSpec.get("keystep").asText()
                    + "," + fkSpec.get("limit").asText();
            case "keynum" -> "keynum:" + fkSpec.get("keynumidx").asText() + "," + fkSpec.get("firstkey").asText()
                    + "," + fkSpec.get("keystep").asText();
            case "unknown" -> "unknown";
            default -> throw new IllegalArgumentException("find_keys type " + fk.get("type"));
        };
        return flags + " " + begin + " " + find;
    }

    /** A RESP2 map (flat {@code [k1, v1, k2, v2…]}) as a Java map. */
    private static Map<String, JsonNode> map(JsonNode flat) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            m.put(flat.get(i).asText(), flat.get(i + 1));
        }
        return m;
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(e -> out.add(e.asText()));
        return out;
    }

    private static String list(List<String> items, String sep) {
        return items.isEmpty() ? "-" : String.join(sep, items);
    }

    private static JsonNode read(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
