package io.lakemirror.config;

import static io.lakemirror.config.ConfigKeys.COMMITTED_METADATA_PREFIX;
import static io.lakemirror.config.ConfigKeys.ORGANIZATION_NAME;
import static io.lakemirror.config.ConfigKeys.REGION;
import static io.lakemirror.config.ConfigKeys.REGIONAL_ENDPOINT;
import static io.lakemirror.config.ConfigKeys.TLS_CERT_FILE;
import static io.lakemirror.config.ConfigKeys.TLS_ENABLED;
import static io.lakemirror.config.ConfigKeys.TLS_KEY_FILE;

import io.lakemirror.domain.MetadataFiles;
import io.lakemirror.domain.Region;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Cross-key rules of {@code regional_endpoint} (built from {@code organization_name} for lakeFS
 * Cloud), of the API listener's TLS files and of the lakeFS keys accepted for compatibility, applied
 * by {@link ReplicationConfig#from}.
 */
final class ListenerAndEndpointRules {
    /** A DNS label, as a lakeFS Cloud organization appears in its installation's host name. */
    private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");

    private ListenerAndEndpointRules() {
    }

    /**
     * The address lakeFS Cloud gives an organization's installation in a region,
     * {@code https://<organization>.<region>.lakefscloud.io} (lakeFS's documentation of Cloud).
     */
    static URI lakeFsCloudEndpoint(String organizationName, Region region) {
        return URI.create("https://" + organizationName + "." + region.value() + ".lakefscloud.io");
    }

    /**
     * Fills an empty {@code regional_endpoint} from {@code organization_name} (lakeFS's replication
     * service does the same for lakeFS Cloud); with neither set, {@code regional_endpoint} is missing.
     * A value that did not parse was reported already.
     */
    static void regionalEndpoint(ConfigValues v, List<String> problems) {
        if (v.get(REGIONAL_ENDPOINT).isPresent()) {
            return;
        }
        if (problems.stream().anyMatch(p -> p.startsWith(REGIONAL_ENDPOINT.name() + " "))) {
            return;
        }
        Optional<String> organization = v.get(ORGANIZATION_NAME).map(String::strip).filter(n -> !n.isEmpty());
        if (organization.isEmpty()) {
            problems.add(REGIONAL_ENDPOINT.name() + " is required (set it in the file or as " + REGIONAL_ENDPOINT.envName()
                    + "): " + REGIONAL_ENDPOINT.doc());
            return;
        }
        if (!DNS_LABEL.matcher(organization.get()).matches()) {
            problems.add(ORGANIZATION_NAME.name() + " \"" + organization.get() + "\" cannot name a lakeFS Cloud host"
                    + " (lowercase letters, digits and inner hyphens, at most 63): fix it or set " + REGIONAL_ENDPOINT.name());
            return;
        }
        v.get(REGION).ifPresent(region -> v.put(REGIONAL_ENDPOINT, lakeFsCloudEndpoint(organization.get(), region),
                ORGANIZATION_NAME.name() + " (lakeFS Cloud)"));
    }

    /**
     * lakeFS's {@code committed.metadata_prefix} is accepted only with lakeFS's default, the one place
     * where lakemirror reads metadata files ({@code _lakefs/}).
     */
    static void lakeFsCompatibility(ConfigValues v, List<String> problems) {
        v.get(COMMITTED_METADATA_PREFIX).filter(p -> !p.equals(MetadataFiles.PREFIX) && !(p + "/").equals(MetadataFiles.PREFIX))
                .ifPresent(p -> problems.add(COMMITTED_METADATA_PREFIX.name() + " \"" + p + "\" is not supported: lakemirror"
                        + " reads ranges and metaranges at " + MetadataFiles.PREFIX + " only (lakeFS's default"
                        + " committed.block_storage_prefix); remove the key or set it to " + MetadataFiles.PREFIX));
    }

    /** With {@code tls.enabled}, both PEM files are named and readable. */
    static void tlsFiles(ConfigValues v, List<String> problems) {
        if (!v.get(TLS_ENABLED).orElse(false)) {
            return;
        }
        for (ConfigKey<String> key : List.of(TLS_CERT_FILE, TLS_KEY_FILE)) {
            Optional<String> file = v.get(key);
            if (file.isEmpty()) {
                problems.add(key.name() + " is required when " + TLS_ENABLED.name() + " is true: " + key.doc());
                continue;
            }
            Path path = Paths.get(file.get());
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                problems.add(key.name() + " " + path.toAbsolutePath() + " is not a readable file");
            }
        }
    }
}
