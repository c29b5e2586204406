package io.lakemirror.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * lakeFS keys and endpoint found where lakectl keeps them (docs/design/lakefs-facts.md §6): the environment
 * ({@code LAKECTL_CREDENTIALS_ACCESS_KEY_ID}, {@code LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY},
 * {@code LAKECTL_SERVER_ENDPOINT_URL}) wins over the configuration file ({@code --lakectl-config}, else
 * {@code LAKECTL_CONFIG_FILE}, else {@code ~/.lakectl.yaml}: {@code credentials.access_key_id},
 * {@code credentials.secret_access_key}, {@code server.endpoint_url}), as in lakectl.
 *
 * @param accessKeyId     the access key ID, if found
 * @param secretAccessKey the secret access key, if found
 * @param endpoint        lakectl's lakeFS endpoint, if set
 * @param source          where they came from, for messages (never the secret)
 */
public record LakectlCredentials(Optional<String> accessKeyId, Optional<String> secretAccessKey, Optional<URI> endpoint,
                                 String source) {
    public static final String ACCESS_KEY_ENV = "LAKECTL_CREDENTIALS_ACCESS_KEY_ID";
    public static final String SECRET_KEY_ENV = "LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY";
    public static final String ENDPOINT_ENV = "LAKECTL_SERVER_ENDPOINT_URL";
    public static final String CONFIG_FILE_ENV = "LAKECTL_CONFIG_FILE";

    /**
     * Reads the environment and the lakectl file.
     *
     * @param configFile {@code --lakectl-config}, when given (it must exist)
     * @throws IllegalArgumentException when the given or named file cannot be read or parsed
     */
    public static LakectlCredentials find(Map<String, String> environment, Optional<Path> configFile) {
        Optional<Path> file = configFile.or(() -> nonEmpty(environment.get(CONFIG_FILE_ENV)).map(Path::of));
        boolean explicit = file.isPresent();
        Path path = file.orElseGet(() -> Path.of(nonEmpty(environment.get("HOME")).orElse(System.getProperty("user.home")),
                ".lakectl.yaml"));
        JsonNode parsed = null;
        if (Files.isRegularFile(path)) {
            try {
                parsed = new YAMLMapper().readTree(path.toFile());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read lakectl's configuration " + path + ": " + e.getMessage());
            }
        } else if (explicit) {
            throw new IllegalArgumentException("lakectl configuration file " + path + " does not exist");
        }
        JsonNode yaml = parsed;
        Optional<String> keyId = nonEmpty(environment.get(ACCESS_KEY_ENV)).or(() -> text(yaml, "credentials", "access_key_id"));
        Optional<String> secret = nonEmpty(environment.get(SECRET_KEY_ENV)).or(() -> text(yaml, "credentials", "secret_access_key"));
        Optional<String> endpoint = nonEmpty(environment.get(ENDPOINT_ENV)).or(() -> text(yaml, "server", "endpoint_url"));
        String source = nonEmpty(environment.get(ACCESS_KEY_ENV)).isPresent() ? "the environment (" + ACCESS_KEY_ENV + ")"
                : yaml != null ? path.toString() : "nowhere";
        try {
            return new LakectlCredentials(keyId, secret, endpoint.map(URI::create), source);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("lakectl's server.endpoint_url is not a URL: " + endpoint.get());
        }
    }

    private static Optional<String> text(JsonNode yaml, String section, String key) {
        if (yaml == null || !yaml.path(section).path(key).isValueNode()) {
            return Optional.empty();
        }
        return nonEmpty(yaml.path(section).path(key).asText());
    }

    private static Optional<String> nonEmpty(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /**
     * The replication API's base URL: {@code endpoint} as given, or lakectl's lakeFS endpoint without its path
     * (lakeFS Cloud serves the replication API on lakeFS's host), each ending in {@code /service/replication/v1}.
     */
    public static Optional<URI> apiBase(Optional<String> endpoint, Optional<URI> lakectlEndpoint) {
        Optional<String> base = endpoint.or(() -> lakectlEndpoint.map(u -> u.getScheme() + "://" + u.getRawAuthority()));
        return base.map(b -> {
            String trimmed = b.replaceAll("/+$", "");
            return URI.create(trimmed.endsWith(API_PATH) ? trimmed : trimmed + API_PATH);
        });
    }

    /** Never the secret: a record's own toString would print it into a log line or an error. */
    @Override
    public String toString() {
        return "LakectlCredentials[accessKeyId=" + accessKeyId.orElse("-") + ", secretAccessKey="
                + (secretAccessKey.isPresent() ? "***" : "-") + ", endpoint=" + endpoint.map(URI::toString).orElse("-")
                + ", source=" + source + "]";
    }

    /** Where the replication API lives on its host. */
    public static final String API_PATH = "/service/replication/v1";
}
