package io.slotferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE}: a YAML file of long option names (without the dashes) and their values, the
 * defaults of any command; options on the command line override it. Top-level keys apply to every command
 * that has that option; a key named after a command ({@code run:}, {@code verify:}) holds options for that
 * command only. A key no command knows is refused, and so is any key that looks like a secret (password,
 * token, secret): secrets come only from the environment or from files ({@code --target-password-file}). A
 * repeatable option takes a YAML list ({@code source: [redis://a:6379, redis://b:6379]}).
 *
 * <pre>
 * source: twemproxy:/etc/slotferry/nutcracker.yml
 * target: rediss://slotferry@clustercfg.my-cache.example.com:6379
 * target-cacert: /etc/ssl/certs/AmazonRootCA1.pem
 * run:
 *   metrics-port: 9187
 *   codis-freeze-migrations: true
 * </pre>
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final Path file;
    private final Map<String, JsonNode> common = new LinkedHashMap<>();
    private final Map<String, Map<String, JsonNode>> perCommand = new LinkedHashMap<>();

    private ConfigFile(Path file) {
        this.file = file;
    }

    /**
     * Takes {@code --config FILE} (or {@code --config=FILE}) out of {@code args}, installs the file's defaults
     * on {@code cl}, and returns the other arguments.
     *
     * @throws CommandLine.ParameterException the file is missing, not YAML, or holds a key it must not
     */
    static String[] install(CommandLine cl, String[] args) {
        List<String> rest = new ArrayList<>();
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                rest.addAll(List.of(args).subList(i, args.length));
                break;
            }
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (args[i].startsWith("--config=")) {
                file = Path.of(args[i].substring("--config=".length()));
            } else {
                rest.add(args[i]);
            }
        }
        if (file != null) {
            ConfigFile config = new ConfigFile(file);
            config.read(cl);
            cl.setDefaultValueProvider(config);
            rest = config.repeated(cl, rest);
        }
        return rest.toArray(new String[0]);
    }

    /**
     * A default value is one string, so a repeatable option without a comma split ({@code source}, {@code include},
     * {@code exclude}) cannot take a list from the provider: a YAML list for such an option of the command being run
     * becomes the option given once per item, unless the command line gives the option itself (it overrides the
     * file, list and all). The command is found by its names at the start of {@code args} ({@code rdb dump}).
     */
    private List<String> repeated(CommandLine cl, List<String> args) {
        CommandLine command = cl;
        for (String a : args) {
            if (command.getSubcommands().containsKey(a)) {
                command = command.getSubcommands().get(a);
            } else if (!a.startsWith("-")) {
                break;
            }
        }
        int end = args.indexOf("--");
        List<String> given = end < 0 ? args : args.subList(0, end);
        List<String> added = new ArrayList<>();
        for (OptionSpec option : command.getCommandSpec().options()) {
            JsonNode value = configured(command.getCommandSpec().name(), option);
            if (value == null || !value.isArray() || !option.isMultiValue() || !option.splitRegex().isEmpty()
                    || given.stream().anyMatch(a -> List.of(option.names()).stream().anyMatch(n -> a.equals(n) || a.startsWith(n + "=")))) {
                continue;
            }
            value.forEach(v -> {
                added.add(option.longestName());
                added.add(v.asText());
            });
        }
        List<String> out = new ArrayList<>(given);
        out.addAll(added);
        if (end >= 0) {
            out.addAll(args.subList(end, args.size()));
        }
        return out;
    }

    /** The file's value for {@code option} of {@code command}: its own mapping first, then the top level. */
    private JsonNode configured(String command, OptionSpec option) {
        if (!option.longestName().startsWith("--")) {
            return null;
        }
        String key = option.longestName().substring(2);
        Map<String, JsonNode> own = perCommand.getOrDefault(command, Map.of());
        return own.containsKey(key) ? own.get(key) : common.get(key);
    }

    private void read(CommandLine cl) {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cl, "--config " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new CommandLine.ParameterException(cl, "--config " + file + ": expected a YAML mapping of option names to values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            CommandLine sub = cl.getSubcommands().get(e.getKey());
            if (sub != null && e.getValue().isObject()) {
                Map<String, JsonNode> options = new LinkedHashMap<>();
                e.getValue().fields().forEachRemaining(f -> options.put(f.getKey(), f.getValue()));
                options.keySet().forEach(k -> check(cl, k, List.of(sub.getCommandSpec())));
                perCommand.put(e.getKey(), options);
            } else {
                check(cl, e.getKey(), cl.getSubcommands().values().stream().map(CommandLine::getCommandSpec).toList());
                common.put(e.getKey(), e.getValue());
            }
        }
    }

    /** Refuses secrets and keys that are an option of none of {@code commands}. */
    private void check(CommandLine cl, String key, List<CommandSpec> commands) {
        String k = key.toLowerCase(Locale.ROOT);
        boolean secret = (k.contains("password") || k.contains("secret") || k.contains("token") || k.equals("auth"))
                && !k.endsWith("-file");
        if (secret) {
            throw new CommandLine.ParameterException(cl, "--config " + file + ": '" + key + "' looks like a secret, and secrets"
                    + " never go in a config file: use the environment (MIGRATE_TARGET_PASSWORD, MIGRATE_SOURCE_PASSWORD) or a"
                    + " --*-password-file");
        }
        if (key.equals("config") || commands.stream().noneMatch(c -> c.findOption("--" + key) != null)) {
            throw new CommandLine.ParameterException(cl, "--config " + file + ": '" + key + "' is not a long option of "
                    + (commands.size() == 1 ? "'migrate " + commands.get(0).name() + "'" : "any migrate command")
                    + " (keys are option names without the dashes, e.g. state-dir)");
        }
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        JsonNode value = configured(arg.command().name(), option);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isArray()) {
            if (option.isMultiValue() && option.splitRegex().isEmpty()) {
                return null; // given once per item on the command line (repeated)
            }
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.asText()));
            if (items.size() > 1 && option.splitRegex().isEmpty()) {
                throw new CommandLine.ParameterException(arg.command().commandLine(), "--config " + file + ": '"
                        + option.longestName().substring(2) + "' takes one value; a list only for a repeatable option");
            }
            return String.join(",", items);
        }
        return value.asText();
    }
}
