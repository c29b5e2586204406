package io.lakemirror.infra.topology;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.lakemirror.config.ConfigKey;
import io.lakemirror.config.ConfigKeys;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.infra.constructs.ReplicationRoute;
import io.lakemirror.infra.constructs.Worker;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a topology from JSON (a file, or the object given as CDK context) and checks it whole: every
 * problem is collected and reported at once, each naming the field and what a valid value looks like.
 * Identifiers are parsed into the service's own types here, once.
 */
public final class TopologyLoader {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final Pattern ACCOUNT = Pattern.compile("^\\d{12}$");
    /** Most tasks of one worker a topology may ask for. */
    static final int MAX_TASKS = 100;
    private static final Pattern IMAGE_TAG = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");

    private TopologyLoader() {
    }

    /** Reads and checks the topology file {@code file}. */
    public static Topology load(Path file) {
        String json;
        try {
            json = Files.readString(file);
        } catch (IOException e) {
            throw new TopologyException(file.toString(), "cannot read the file: " + e.getMessage(), e);
        }
        return parse(json, file.toString());
    }

    /** Reads and checks a topology from JSON text; {@code origin} names it in messages. */
    public static Topology parse(String json, String origin) {
        try {
            return check(JSON.readValue(json, RawTopology.class), origin);
        } catch (JsonProcessingException e) {
            throw new TopologyException(origin, describe(e), e);
        }
    }

    /** Reads and checks a topology given as a JSON-like object, e.g. an object in CDK context. */
    public static Topology fromObject(Object tree, String origin) {
        try {
            return check(JSON.convertValue(tree, RawTopology.class), origin);
        } catch (IllegalArgumentException e) {
            if (e.getCause() instanceof JsonProcessingException json) {
                throw new TopologyException(origin, describe(json), e);
            }
            throw new TopologyException(origin, e.getMessage(), e);
        }
    }

    private static String describe(JsonProcessingException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof StreamReadException syntax) {
                return "not valid JSON: " + syntax.getOriginalMessage();
            }
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            List<JsonMappingException.Reference> parent = unknown.getPath().subList(0, unknown.getPath().size() - 1);
            return "unknown field \"" + unknown.getPropertyName() + "\" at " + path(parent) + "; known fields: "
                    + unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", "));
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return "field " + path(mapping.getPath()) + " has the wrong shape: " + e.getOriginalMessage();
        }
        return "not valid JSON: " + e.getOriginalMessage();
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : references) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "the top level" : path.toString();
    }

    private static Topology check(RawTopology raw, String origin) {
        if (raw == null) {
            throw new TopologyException(origin, List.of("the topology is empty; expected a JSON object"));
        }
        List<String> problems = new ArrayList<>();

        OrganizationId organization = required(problems, "organization_id", raw.organizationId(), OrganizationId::of);
        Optional<String> account = Optional.ofNullable(raw.account());
        account.filter(a -> !ACCOUNT.matcher(a).matches()).ifPresent(a ->
                problems.add("account \"" + a + "\" must be a 12-digit AWS account id"));
        String accessKeyId = raw.lakefsAccessKeyId();
        if (accessKeyId == null || accessKeyId.isBlank()) {
            problems.add("lakefs_access_key_id is required: the access key id of the replication user");
        }
        ImageSpec image = image(problems, raw.image());
        SecretNames secrets = secrets(problems, raw.secrets());

        List<RegionSpec> regions = regions(problems, raw.regions());
        Map<String, RegionSpec> byBucket = new LinkedHashMap<>();
        regions.forEach(region -> byBucket.put(region.bucket(), region));
        Set<Region> names = regions.stream().map(RegionSpec::name).collect(Collectors.toSet());

        Region primary = null;
        if (raw.primaryRegion() != null) {
            primary = required(problems, "primary_region", raw.primaryRegion(), Region::of);
            if (primary != null && !names.contains(primary)) {
                problems.add("primary_region " + primary + " is not one of the regions");
            }
        } else if (!regions.isEmpty()) {
            primary = regions.get(0).name();
        }

        List<ReplicationRoute> routes = routes(problems, raw.replications(), byBucket, names);
        Map<ConfigKey<?>, String> config = config(problems, raw.config());
        Map<Worker, WorkerCounts> workers = workers(problems, raw.workers());
        boolean internetFacing = Boolean.TRUE.equals(raw.apiInternetFacing());
        if (internetFacing) {
            regions.stream().filter(r -> r.apiCertificateArn().isEmpty()).forEach(r -> problems.add(
                    "regions[" + regions.indexOf(r) + "] (" + r.name() + ") needs api_certificate_arn: with"
                            + " api_internet_facing the API's load balancer is public, and callers send lakeFS keys"
                            + " with every request, which must not cross the internet unencrypted"));
        }

        if (!problems.isEmpty()) {
            throw new TopologyException(origin, problems);
        }
        return new Topology(organization, account, primary, image, accessKeyId, secrets,
                internetFacing, regions, routes, config, workers);
    }

    private static ImageSpec image(List<String> problems, RawImage raw) {
        if (raw == null) {
            problems.add("image is required: {\"uri\": \"registry/name:tag\"} or"
                    + " {\"ecr_repository\": \"name\", \"tag\": \"tag\"}");
            return null;
        }
        boolean byUri = raw.uri() != null;
        boolean byEcr = raw.ecrRepository() != null || raw.tag() != null;
        if (byUri == byEcr) {
            problems.add("image must give either uri, or ecr_repository with tag, not both or neither");
            return null;
        }
        if (byUri) {
            if (raw.uri().isBlank() || raw.uri().chars().anyMatch(Character::isWhitespace)) {
                problems.add("image.uri \"" + raw.uri() + "\" must be an image reference without spaces");
            }
            return new ImageSpec.Registry(raw.uri());
        }
        int before = problems.size();
        if (raw.ecrRepository() == null || raw.ecrRepository().isBlank()) {
            problems.add("image.ecr_repository is required with image.tag");
        }
        if (raw.tag() == null || !IMAGE_TAG.matcher(raw.tag()).matches()) {
            problems.add("image.tag \"" + raw.tag() + "\" must be a Docker tag (letters, digits, _ . -; at most"
                    + " 128 characters); pin a version rather than latest");
        }
        return problems.size() == before ? new ImageSpec.Ecr(raw.ecrRepository(), raw.tag()) : null;
    }

    private static SecretNames secrets(List<String> problems, RawSecrets raw) {
        if (raw == null) {
            return SecretNames.defaults();
        }
        String lakefs = raw.lakefsSecretAccessKey() != null
                ? raw.lakefsSecretAccessKey() : SecretNames.DEFAULT_LAKEFS_SECRET_ACCESS_KEY;
        String auth = raw.authEncryptSecretKey() != null
                ? raw.authEncryptSecretKey() : SecretNames.DEFAULT_AUTH_ENCRYPT_SECRET_KEY;
        if (lakefs.isBlank() || auth.isBlank()) {
            problems.add("secrets must name non-empty Secrets Manager secrets (names or ARNs)");
        }
        return new SecretNames(lakefs, auth);
    }

    private static List<RegionSpec> regions(List<String> problems, List<RawRegion> raw) {
        if (raw == null || raw.size() < 2) {
            problems.add("regions must list at least two regions: mirroring copies between regions");
        }
        List<RegionSpec> regions = new ArrayList<>();
        Set<Region> seenNames = new HashSet<>();
        Set<String> seenBuckets = new HashSet<>();
        for (int i = 0; raw != null && i < raw.size(); i++) {
            RawRegion r = raw.get(i);
            String at = "regions[" + i + "]";
            int before = problems.size();
            Region name = required(problems, at + ".name", r.name(), Region::of);
            String bucket = required(problems, at + ".bucket", r.bucket(),
                    b -> StorageNamespace.of("s3://" + b).bucket());
            URI endpoint = required(problems, at + ".lakefs_endpoint", r.lakefsEndpoint(),
                    e -> ConfigKeys.REGIONAL_ENDPOINT.type().parse(e));
            List<String> zones = r.availabilityZones() == null ? List.of() : r.availabilityZones();
            if (name != null) {
                zones.stream().filter(zone -> !zone.startsWith(name.value())).forEach(zone ->
                        problems.add(at + ".availability_zones: " + zone + " is not a zone of " + name));
                if (!seenNames.add(name)) {
                    problems.add(at + ".name: region " + name + " is listed twice");
                }
            }
            if (bucket != null && !seenBuckets.add(bucket)) {
                problems.add(at + ".bucket: bucket " + bucket + " belongs to another region already");
            }
            if (problems.size() == before) {
                regions.add(new RegionSpec(name, bucket, endpoint, zones,
                        Optional.ofNullable(r.apiCertificateArn())));
            }
        }
        return regions;
    }

    private static List<ReplicationRoute> routes(List<String> problems, List<RawReplication> raw,
                                                 Map<String, RegionSpec> byBucket, Set<Region> names) {
        List<ReplicationRoute> routes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; raw != null && i < raw.size(); i++) {
            RawReplication r = raw.get(i);
            String at = "replications[" + i + "]";
            StorageNamespace source = required(problems, at + ".source", r.source(), StorageNamespace::of);
            RegionSpec sourceRegion = source == null ? null : byBucket.get(source.bucket());
            if (source != null && sourceRegion == null) {
                problems.add(at + ".source: bucket " + source.bucket() + " is not the bucket of any region");
            }
            if (r.destinations() == null || r.destinations().isEmpty()) {
                problems.add(at + ".destinations must list at least one region");
                continue;
            }
            for (String destinationName : r.destinations()) {
                Region destination = required(problems, at + ".destinations", destinationName, Region::of);
                if (destination == null || sourceRegion == null) {
                    continue;
                }
                if (!names.contains(destination)) {
                    problems.add(at + ".destinations: " + destination + " is not one of the regions");
                } else if (destination.equals(sourceRegion.name())) {
                    problems.add(at + ".destinations: " + destination + " is the source's own region");
                } else if (!seen.add(source + " → " + destination)) {
                    problems.add(at + ": " + source + " → " + destination + " is listed twice");
                } else {
                    String bucket = byBucket.values().stream()
                            .filter(region -> region.name().equals(destination))
                            .findFirst().orElseThrow().bucket();
                    routes.add(ReplicationRoute.of(source, destination, bucket));
                }
            }
        }
        return routes;
    }

    private static Map<ConfigKey<?>, String> config(List<String> problems, Map<String, Object> raw) {
        Map<ConfigKey<?>, String> config = new LinkedHashMap<>();
        if (raw == null) {
            return config;
        }
        raw.forEach((name, value) -> {
            String at = "config." + name;
            Optional<ConfigKey<?>> key = ConfigKeys.ALL.stream().filter(k -> k.name().equals(name)).findFirst();
            if (key.isEmpty()) {
                problems.add(at + " is not a configuration key of the service (see docs/configuration.md)");
                return;
            }
            String reason = Topology.RESERVED_CONFIG.get(key.get());
            if (reason != null) {
                problems.add(at + " cannot be set here: " + reason);
                return;
            }
            if (value == null || value instanceof Map || value instanceof List) {
                problems.add(at + " must be a single value (string, number or boolean)");
                return;
            }
            String text = String.valueOf(value);
            try {
                key.get().type().parse(text);
                config.put(key.get(), text);
            } catch (IllegalArgumentException e) {
                problems.add(at + ": " + e.getMessage());
            }
        });
        return config;
    }

    /** Parses a required field, recording a problem (and returning null) when it is absent or invalid. */
    private static Map<Worker, WorkerCounts> workers(List<String> problems, Map<String, RawWorker> raw) {
        Map<Worker, WorkerCounts> counts = new EnumMap<>(Worker.class);
        if (raw == null) {
            return counts;
        }
        Map<String, Worker> byName = new LinkedHashMap<>();
        for (Worker w : Worker.values()) {
            byName.put(w.subcommand(), w);
        }
        raw.forEach((name, r) -> {
            Worker worker = byName.get(name);
            if (worker == null) {
                problems.add("workers." + name + " is not a worker; workers are " + String.join(", ", byName.keySet()));
                return;
            }
            WorkerCounts defaults = WorkerCounts.DEFAULTS.get(worker);
            int desired = r == null || r.desiredCount() == null ? defaults.desired() : r.desiredCount();
            int max = r == null || r.maxCount() == null ? Math.max(desired, defaults.max()) : r.maxCount();
            int before = problems.size();
            if (desired < 1) {
                problems.add("workers." + name + ".desired_count " + desired + " must be at least 1: every region"
                        + " runs every worker");
            }
            if (max < desired) {
                problems.add("workers." + name + ".max_count " + max + " must be at least desired_count " + desired);
            }
            if (max > MAX_TASKS) {
                problems.add("workers." + name + ".max_count " + max + " is above " + MAX_TASKS);
            }
            if (problems.size() == before) {
                counts.put(worker, new WorkerCounts(desired, max));
            }
        });
        return counts;
    }

    private static <T> T required(List<String> problems, String field, String value, Function<String, T> parse) {
        if (value == null || value.isBlank()) {
            problems.add(field + " is required");
            return null;
        }
        try {
            return parse.apply(value);
        } catch (InvalidInputException | IllegalArgumentException e) {
            problems.add(field + ": " + e.getMessage());
            return null;
        }
    }

    record RawTopology(
            @JsonProperty("organization_id") String organizationId,
            @JsonProperty("account") String account,
            @JsonProperty("primary_region") String primaryRegion,
            @JsonProperty("image") RawImage image,
            @JsonProperty("lakefs_access_key_id") String lakefsAccessKeyId,
            @JsonProperty("secrets") RawSecrets secrets,
            @JsonProperty("api_internet_facing") Boolean apiInternetFacing,
            @JsonProperty("regions") List<RawRegion> regions,
            @JsonProperty("replications") List<RawReplication> replications,
            @JsonProperty("config") Map<String, Object> config,
            @JsonProperty("workers") Map<String, RawWorker> workers) {
    }

    record RawWorker(
            @JsonProperty("desired_count") Integer desiredCount,
            @JsonProperty("max_count") Integer maxCount) {
    }

    record RawImage(
            @JsonProperty("uri") String uri,
            @JsonProperty("ecr_repository") String ecrRepository,
            @JsonProperty("tag") String tag) {
    }

    record RawSecrets(
            @JsonProperty("lakefs_secret_access_key") String lakefsSecretAccessKey,
            @JsonProperty("auth_encrypt_secret_key") String authEncryptSecretKey) {
    }

    record RawRegion(
            @JsonProperty("name") String name,
            @JsonProperty("bucket") String bucket,
            @JsonProperty("lakefs_endpoint") String lakefsEndpoint,
            @JsonProperty("availability_zones") List<String> availabilityZones,
            @JsonProperty("api_certificate_arn") String apiCertificateArn) {
    }

    record RawReplication(
            @JsonProperty("source") String source,
            @JsonProperty("destinations") List<String> destinations) {
    }
}
