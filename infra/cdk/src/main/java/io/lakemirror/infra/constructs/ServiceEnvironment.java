package io.lakemirror.infra.constructs;

import io.lakemirror.config.ConfigKey;
import io.lakemirror.config.ConfigKeys;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.secretsmanager.ISecret;

/**
 * The service configuration of a container, as the service reads it: {@code REPLICATION_*} variables
 * named by {@link ConfigKey#envName()}, so a renamed key breaks the build here instead of silently
 * leaving a container unconfigured. Each value is parsed with the key's own type at synthesis, and
 * secret keys can only come from Secrets Manager, never as plain text in the task definition.
 *
 * <p>Immutable; {@link #with} returns a copy with one more key, for per-worker settings.
 */
public final class ServiceEnvironment {
    private final Map<ConfigKey<?>, String> values;
    private final Map<ConfigKey<?>, ISecret> secrets;

    private ServiceEnvironment(Map<ConfigKey<?>, String> values, Map<ConfigKey<?>, ISecret> secrets) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.secrets = Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A copy that also sets {@code key} (replacing an earlier value). */
    public ServiceEnvironment with(ConfigKey<?> key, String value) {
        Map<ConfigKey<?>, String> copy = new LinkedHashMap<>(values);
        copy.put(key, checkedValue(key, value));
        return new ServiceEnvironment(copy, secrets);
    }

    /** The plain value set for {@code key}, if any. */
    public Optional<String> value(ConfigKey<?> key) {
        return Optional.ofNullable(values.get(key));
    }

    /** Environment variables, by name, sorted. */
    public Map<String, String> variables() {
        Map<String, String> out = new TreeMap<>();
        values.forEach((key, value) -> out.put(key.envName(), value));
        return out;
    }

    /** Container secrets, by environment variable name, sorted. */
    public Map<String, software.amazon.awscdk.services.ecs.Secret> containerSecrets() {
        Map<String, software.amazon.awscdk.services.ecs.Secret> out = new TreeMap<>();
        secrets.forEach((key, secret) ->
                out.put(key.envName(), software.amazon.awscdk.services.ecs.Secret.fromSecretsManager(secret)));
        return out;
    }

    /** The Secrets Manager secret behind each secret key. */
    public Map<ConfigKey<?>, ISecret> secrets() {
        return secrets;
    }

    /**
     * Finds a key by its dotted name, e.g. {@code validator.num_workers}.
     *
     * @throws IllegalArgumentException naming the unknown key
     */
    public static ConfigKey<?> key(String name) {
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            if (key.name().equals(name)) {
                return key;
            }
        }
        throw new IllegalArgumentException("\"" + name + "\" is not a configuration key of the service;"
                + " see docs/configuration.md for the list");
    }

    private static String checkedValue(ConfigKey<?> key, String value) {
        Objects.requireNonNull(value, () -> "value of " + key.name());
        if (key.isSecret()) {
            throw new IllegalArgumentException("configuration key " + key.name() + " is a secret: give it as a"
                    + " Secrets Manager secret so it never appears in the task definition");
        }
        if (!Token.isUnresolved(value)) {
            try {
                key.type().parse(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("configuration key " + key.name() + " (" + key.envName()
                        + "): " + e.getMessage(), e);
            }
        }
        return value;
    }

    /** Collects keys and secrets; every value is checked as it is set. */
    public static final class Builder {
        private final Map<ConfigKey<?>, String> values = new LinkedHashMap<>();
        private final Map<ConfigKey<?>, ISecret> secrets = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Sets a plain key. The value is written as the environment gives it to the service (maps as
         * {@code region=value} pairs separated by commas).
         *
         * @throws IllegalArgumentException when the key is secret or the value does not parse as its type
         */
        public Builder set(ConfigKey<?> key, String value) {
            values.put(key, checkedValue(key, value));
            return this;
        }

        /**
         * Sets a secret key from a Secrets Manager secret (its whole secret string).
         *
         * @throws IllegalArgumentException when the key is not a secret
         */
        public Builder secret(ConfigKey<?> key, ISecret secret) {
            if (!key.isSecret()) {
                throw new IllegalArgumentException("configuration key " + key.name() + " is not a secret; set it"
                        + " as a plain value");
            }
            secrets.put(key, Objects.requireNonNull(secret, "secret"));
            return this;
        }

        public ServiceEnvironment build() {
            return new ServiceEnvironment(values, secrets);
        }
    }
}
