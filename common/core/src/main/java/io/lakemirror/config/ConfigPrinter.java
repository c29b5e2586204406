package io.lakemirror.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Prints an effective configuration as YAML, secrets masked. */
public final class ConfigPrinter {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    private ConfigPrinter() {
    }

    /** Nested YAML of every key that has a value, in declaration order; secrets appear as {@value Secret#MASK}. */
    public static String toYaml(ConfigValues values) {
        Map<String, Object> dotted = new LinkedHashMap<>();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            values.get(key).ifPresent(v -> dotted.put(key.name(), masked(key, v)));
        }
        return toYaml(dotted);
    }

    /**
     * A configuration file from dotted keys and their raw values ({@code blockstore.s3.endpoint: ...}
     * becomes nested YAML), in the map's order: what the sandbox and tests write for a process to load.
     * Values are written as given, secrets included.
     */
    public static String toYaml(Map<String, ?> dotted) {
        Map<String, Object> root = new LinkedHashMap<>();
        dotted.forEach((key, value) -> put(root, key, value));
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line per key, {@code name=value}, secrets masked: for logging the configuration at startup. */
    public static String toLogLine(ConfigValues values) {
        StringBuilder out = new StringBuilder();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            values.get(key).ifPresent(v -> out.append(out.isEmpty() ? "" : ", ")
                    .append(key.name()).append('=').append(masked(key, v)));
        }
        return out.toString();
    }

    private static Object masked(ConfigKey<?> key, Object value) {
        return key.isSecret() ? key.type().printRedacted(value) : key.type().print(value);
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> root, String dotted, Object value) {
        String[] parts = dotted.split("\\.");
        Map<String, Object> node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        }
        node.put(parts[parts.length - 1], value);
    }
}
