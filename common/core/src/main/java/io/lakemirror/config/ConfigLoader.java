package io.lakemirror.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the configuration from an optional YAML file and {@code REPLICATION_*} environment
 * variables (which win), parses every declared key, and reports every problem at once.
 */
public final class ConfigLoader {
    private final List<ConfigKey<?>> keys;
    private final Map<String, ConfigKey<?>> byName = new HashMap<>();
    private final Set<String> sections = new HashSet<>();
    private final Map<String, ConfigKey<?>> byEnv = new HashMap<>();

    public ConfigLoader(List<ConfigKey<?>> keys) {
        this.keys = List.copyOf(keys);
        for (ConfigKey<?> key : keys) {
            byName.put(key.name(), key);
            byEnv.put(key.envName(), key);
            key.envAliases().forEach(alias -> byEnv.put(alias, key));
            String name = key.name();
            for (int dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) {
                sections.add(name.substring(0, dot));
            }
        }
    }

    /** Loads and validates the service configuration. */
    public static ReplicationConfig load(Optional<Path> file, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<String, Raw> raw = new LinkedHashMap<>();
        ConfigLoader loader = new ConfigLoader(ConfigKeys.ALL);
        file.ifPresent(f -> loader.readFile(f, raw, problems));
        loader.readEnv(env, raw, problems);
        return loader.finish(raw, problems);
    }

    /**
     * Builds a configuration from dotted keys and values, as a YAML file would hold them. Meant for
     * tests and embedded use; values are validated exactly as from a file.
     */
    public static ReplicationConfig fromMap(Map<String, ?> dotted) {
        List<String> problems = new ArrayList<>();
        Map<String, Raw> raw = new LinkedHashMap<>();
        ConfigLoader loader = new ConfigLoader(ConfigKeys.ALL);
        dotted.forEach((name, value) -> {
            if (!loader.byName.containsKey(name)) {
                problems.add(loader.unknownKey(name, "map"));
            } else if (value != null) {
                raw.put(name, new Raw(value, "map"));
            }
        });
        return loader.finish(raw, problems);
    }

    private ReplicationConfig finish(Map<String, Raw> raw, List<String> problems) {
        ConfigValues values = parse(raw, problems);
        ReplicationConfig config = ReplicationConfig.from(values, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private void readFile(Path file, Map<String, Raw> raw, List<String> problems) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            problems.add("cannot read configuration file " + file + ": " + oneLine(e.getMessage()));
            return;
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return;
        }
        if (!root.isObject()) {
            problems.add("configuration file " + file + " must hold a YAML mapping of keys to values");
            return;
        }
        flatten("", root, "file " + file, raw, problems);
    }

    private void flatten(String prefix, JsonNode node, String origin, Map<String, Raw> raw, List<String> problems) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            ConfigKey<?> key = byName.get(name);
            if (key != null) {
                if (!value.isNull()) {
                    raw.put(name, new Raw(toJava(value), origin));
                }
            } else if (sections.contains(name) && value.isObject()) {
                flatten(name, value, origin, raw, problems);
            } else if (sections.contains(name) && value.isNull()) {
                continue;
            } else {
                problems.add(unknownKey(name, origin));
            }
        }
    }

    private static Object toJava(JsonNode value) {
        if (value.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            value.fields().forEachRemaining(e -> map.put(e.getKey(), toJava(e.getValue())));
            return map;
        }
        if (value.isArray()) {
            List<Object> list = new ArrayList<>();
            value.forEach(v -> list.add(toJava(v)));
            return list;
        }
        return value.isNull() ? null : value.asText();
    }

    private void readEnv(Map<String, String> env, Map<String, Raw> raw, List<String> problems) {
        Map<ConfigKey<?>, String> fromAlias = new HashMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String var = e.getKey();
            if (!var.startsWith(ConfigKey.ENV_PREFIX)) {
                continue;
            }
            ConfigKey<?> key = byEnv.get(var);
            if (key == null) {
                problems.add("unknown environment variable " + var + didYouMean(var, byEnv.keySet()));
            } else if (var.equals(key.envName())) {
                raw.put(key.name(), new Raw(e.getValue(), "environment " + var));
            } else {
                fromAlias.put(key, var);
            }
        }
        // The primary variable wins over an alias.
        fromAlias.forEach((key, var) -> {
            Raw current = raw.get(key.name());
            if (current == null || !current.origin().startsWith("environment")) {
                raw.put(key.name(), new Raw(env.get(var), "environment " + var));
            }
        });
    }

    private ConfigValues parse(Map<String, Raw> raw, List<String> problems) {
        ConfigValues values = new ConfigValues();
        for (ConfigKey<?> key : keys) {
            parseOne(key, raw.get(key.name()), values, problems);
        }
        return values;
    }

    private static <T> void parseOne(ConfigKey<T> key, Raw raw, ConfigValues values, List<String> problems) {
        if (raw == null) {
            if (key.isRequired()) {
                problems.add(key.name() + " is required (set it in the file or as " + key.envName() + "): " + key.doc());
            } else {
                key.defaultValue().ifPresent(d -> values.put(key, d, "default"));
            }
            return;
        }
        try {
            values.put(key, key.type().parse(raw.value()), raw.origin());
        } catch (IllegalArgumentException e) {
            problems.add(key.name() + " (from " + raw.origin() + "): " + e.getMessage());
        }
    }

    private String unknownKey(String name, String origin) {
        Set<String> candidates = new HashSet<>(byName.keySet());
        candidates.addAll(sections);
        return "unknown key " + name + " (in " + origin + ")" + didYouMean(name, candidates);
    }

    static String didYouMean(String word, Set<String> candidates) {
        Optional<String> best = candidates.stream()
                .min(Comparator.comparingInt((String c) -> distance(word, c)).thenComparing(c -> c));
        if (best.isEmpty()) {
            return "";
        }
        int d = distance(word, best.get());
        return d <= Math.max(2, word.length() / 3) ? ": did you mean " + best.get() + "?" : "";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    private record Raw(Object value, String origin) {
    }
}
