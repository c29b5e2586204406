package io.lakemirror.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Parsed configuration values by key, with where each came from (file, environment or default). */
public final class ConfigValues {
    private final Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
    private final Map<ConfigKey<?>, String> origins = new LinkedHashMap<>();

    <T> void put(ConfigKey<T> key, T value, String origin) {
        values.put(key, value);
        origins.put(key, origin);
    }

    @SuppressWarnings("unchecked")
    public <T> Optional<T> get(ConfigKey<T> key) {
        return Optional.ofNullable((T) values.get(key));
    }

    /** The value of a key that is required or has a default. */
    public <T> T require(ConfigKey<T> key) {
        return get(key).orElseThrow(() -> new IllegalStateException("key " + key + " has no value"));
    }

    /** "file config.yaml", "environment REPLICATION_REGION" or "default". */
    public Optional<String> origin(ConfigKey<?> key) {
        return Optional.ofNullable(origins.get(key));
    }

    Map<ConfigKey<?>, Object> asMap() {
        return Collections.unmodifiableMap(values);
    }
}
