package io.lakemirror.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One configuration key, declared once: its dotted name, type, default, documentation and whether
 * it is a secret. The environment variable that overrides it is derived from the name.
 *
 * @param <T> the parsed type of its value
 */
public final class ConfigKey<T> {
    /** Prefix of every environment override. */
    public static final String ENV_PREFIX = "REPLICATION_";

    private final String name;
    private final ConfigType<T> type;
    private final T defaultValue;
    private final String defaultDescription;
    private final boolean required;
    private final boolean secret;
    private final String doc;
    private final List<String> envAliases;

    private ConfigKey(Builder<T> b) {
        this.name = b.name;
        this.type = b.type;
        this.defaultValue = b.defaultValue;
        this.defaultDescription = b.defaultDescription;
        this.required = b.required;
        this.secret = b.secret;
        this.doc = Objects.requireNonNull(b.doc, () -> "key " + b.name + " has no documentation");
        this.envAliases = List.copyOf(b.envAliases);
    }

    public static <T> Builder<T> required(String name, ConfigType<T> type) {
        Builder<T> b = new Builder<>(name, type);
        b.required = true;
        return b;
    }

    public static <T> Builder<T> optional(String name, ConfigType<T> type) {
        return new Builder<>(name, type);
    }

    public String name() {
        return name;
    }

    public ConfigType<T> type() {
        return type;
    }

    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** How the reference shows the default: the printed default, or a sentence such as "same as region". */
    public String defaultDescription() {
        if (defaultDescription != null) {
            return defaultDescription;
        }
        if (defaultValue == null) {
            return "";
        }
        Object printed = type.print(defaultValue);
        return String.valueOf(printed);
    }

    public boolean isRequired() {
        return required;
    }

    public boolean isSecret() {
        return secret;
    }

    public String doc() {
        return doc;
    }

    /** {@code REPLICATION_} + the name in upper case with {@code .} → {@code _}. */
    public String envName() {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** Further environment variables accepted for this key (the primary name wins when both are set). */
    public List<String> envAliases() {
        return envAliases;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Declares a key fluently; {@link #build()} checks that the declaration is complete. */
    public static final class Builder<T> {
        private final String name;
        private final ConfigType<T> type;
        private T defaultValue;
        private String defaultDescription;
        private boolean required;
        private boolean secret;
        private String doc;
        private List<String> envAliases = List.of();

        private Builder(String name, ConfigType<T> type) {
            this.name = name;
            this.type = type;
        }

        public Builder<T> defaultValue(T value) {
            this.defaultValue = value;
            return this;
        }

        /** For a default computed from other keys: what the reference should say. */
        public Builder<T> defaultDescription(String description) {
            this.defaultDescription = description;
            return this;
        }

        public Builder<T> secret() {
            this.secret = true;
            return this;
        }

        public Builder<T> envAliases(String... names) {
            this.envAliases = List.of(names);
            return this;
        }

        public Builder<T> doc(String doc) {
            this.doc = doc;
            return this;
        }

        public ConfigKey<T> build() {
            if (required && defaultValue != null) {
                throw new IllegalStateException("required key " + name + " cannot have a default");
            }
            return new ConfigKey<>(this);
        }
    }
}
