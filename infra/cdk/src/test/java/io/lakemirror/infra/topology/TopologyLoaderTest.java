package io.lakemirror.infra.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakemirror.config.ConfigKeys;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.infra.constructs.ReplicationRoute;
import io.lakemirror.infra.constructs.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TopologyLoaderTest {
    private static final Path EXAMPLE = Path.of("topology.example.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Region US = Region.of("us-east-1");
    private static final Region EU = Region.of("eu-west-1");

    @Test
    void load_shouldReadTheShippedExample_withTypedIdentifiersAndRoutes() {
        Topology topology = TopologyLoader.load(EXAMPLE);

        assertThat(topology.organizationId()).isEqualTo(OrganizationId.of("example-org"));
        assertThat(topology.primaryRegion()).isEqualTo(US);
        assertThat(topology.regions()).extracting(RegionSpec::name).containsExactly(US, EU);
        assertThat(topology.image()).isEqualTo(new ImageSpec.Ecr("lakemirror", "0.1.0"));
        assertThat(topology.secrets()).isEqualTo(SecretNames.defaults());
        assertThat(topology.routes()).containsExactly(
                new ReplicationRoute(StorageNamespace.of("s3://example-org-lakefs-us-east-1/repos/analytics"), EU,
                        StorageNamespace.of("s3://example-org-lakefs-eu-west-1/repos/analytics")),
                new ReplicationRoute(StorageNamespace.of("s3://example-org-lakefs-eu-west-1/repos/training-data"), US,
                        StorageNamespace.of("s3://example-org-lakefs-us-east-1/repos/training-data")));
        assertThat(topology.config()).containsEntry(ConfigKeys.VALIDATOR_NUM_WORKERS, "4");
        assertThat(topology.workers()).containsExactly(
                Map.entry(Worker.SENSOR, new WorkerCounts(1, 3)), Map.entry(Worker.VALIDATOR, new WorkerCounts(2, 6)),
                Map.entry(Worker.PROMOTER, new WorkerCounts(1, 3)), Map.entry(Worker.API, new WorkerCounts(2, 4)));
    }

    @Test
    void workers_shouldTakeTheDefaults_whenTheTopologyNamesNoCounts() throws IOException {
        Topology topology = TopologyLoader.parse(example(root -> {
            root.remove("workers");
            root.putObject("workers").putObject("promoter").put("desired_count", 3);
        }), "test");

        assertThat(topology.counts(Worker.PROMOTER)).isEqualTo(new WorkerCounts(3, 3));
        assertThat(topology.counts(Worker.SENSOR)).isEqualTo(WorkerCounts.DEFAULTS.get(Worker.SENSOR));
        assertThat(topology.counts(Worker.API)).isEqualTo(new WorkerCounts(2, 4));
    }

    @Test
    void apiInternetFacing_shouldBeAccepted_whenEveryRegionNamesACertificate() throws IOException {
        Topology topology = TopologyLoader.parse(example(root -> {
            root.put("api_internet_facing", true);
            region(root, 0).put("api_certificate_arn", "arn:aws:acm:us-east-1:123456789012:certificate/a");
            region(root, 1).put("api_certificate_arn", "arn:aws:acm:eu-west-1:123456789012:certificate/b");
        }), "test");

        assertThat(topology.apiInternetFacing()).isTrue();
    }

    @Test
    void routes_shouldBeSelectedBySourceBucketAndDestinationRegion() {
        Topology topology = TopologyLoader.load(EXAMPLE);

        assertThat(topology.routesFrom(US)).extracting(route -> route.source().prefix()).containsExactly("repos/analytics");
        assertThat(topology.routesInto(US)).extracting(route -> route.source().prefix())
                .containsExactly("repos/training-data");
        assertThat(topology.mirroredNamespacesIn(EU))
                .containsExactly(StorageNamespace.of("s3://example-org-lakefs-eu-west-1/repos/analytics"));
        assertThat(topology.destinationsOf(US)).containsExactly(EU);
    }

    @Test
    void primaryRegion_shouldDefaultToTheFirstRegion_whenNotGiven() throws IOException {
        Topology topology = TopologyLoader.parse(example(root -> {
            root.remove("primary_region");
            ArrayNode regions = (ArrayNode) root.get("regions");
            regions.insert(0, regions.remove(1));
        }), "test");

        assertThat(topology.primaryRegion()).isEqualTo(EU);
    }

    static Stream<Arguments> invalidTopologies() {
        return Stream.of(
                invalid("organization id missing", root -> root.remove("organization_id"),
                        "organization_id is required"),
                invalid("one region only", root -> ((ArrayNode) root.get("regions")).remove(1),
                        "regions must list at least two regions"),
                invalid("region name invalid", root -> region(root, 1).put("name", "EU West"),
                        "regions[1].name: invalid region"),
                invalid("region listed twice", root -> region(root, 1).put("name", "us-east-1"),
                        "region us-east-1 is listed twice"),
                invalid("bucket shared", root -> region(root, 1).put("bucket", "example-org-lakefs-us-east-1"),
                        "belongs to another region already"),
                invalid("endpoint not http", root -> region(root, 0).put("lakefs_endpoint", "ftp://lakefs"),
                        "regions[0].lakefs_endpoint: \"ftp://lakefs\" is not an http(s) URL"),
                invalid("zone of another region", root -> region(root, 0).putArray("availability_zones").add("eu-west-1a"),
                        "eu-west-1a is not a zone of us-east-1"),
                invalid("primary unknown", root -> root.put("primary_region", "ap-south-1"),
                        "primary_region ap-south-1 is not one of the regions"),
                invalid("account malformed", root -> root.put("account", "12345"),
                        "must be a 12-digit AWS account id"),
                invalid("image both ways", root -> ((ObjectNode) root.get("image")).put("uri", "x/y:1"),
                        "image must give either uri, or ecr_repository with tag"),
                invalid("image tag missing", root -> ((ObjectNode) root.get("image")).remove("tag"),
                        "image.tag \"null\" must be a Docker tag"),
                invalid("source outside every bucket", root -> replication(root, 0).put("source", "s3://elsewhere/x"),
                        "bucket elsewhere is not the bucket of any region"),
                invalid("source not a namespace", root -> replication(root, 0).put("source", "gs://bucket/x"),
                        "replications[0].source: invalid storage namespace"),
                invalid("destination is source region", root -> destinations(root, 0).add("us-east-1"),
                        "us-east-1 is the source's own region"),
                invalid("destination unknown", root -> destinations(root, 0).add("ap-south-1"),
                        "ap-south-1 is not one of the regions"),
                invalid("route twice", root -> destinations(root, 0).add("eu-west-1"),
                        "is listed twice"),
                invalid("no destinations", root -> destinations(root, 0).removeAll(),
                        "replications[0].destinations must list at least one region"),
                invalid("unknown config key", root -> config(root).put("validator.workers", 3),
                        "config.validator.workers is not a configuration key of the service"),
                invalid("config sets a table name", root -> config(root).put("mirrors_database.dynamodb.table_name", "t"),
                        "config.mirrors_database.dynamodb.table_name cannot be set here: set by the deployment"),
                invalid("config sets a secret", root -> config(root).put("auth.encrypt.secret_key", "s3cr3t"),
                        "config.auth.encrypt.secret_key cannot be set here: a secret"),
                invalid("config sets static AWS keys", root -> config(root).put("aws.access_key_id", "AKIA"),
                        "config.aws.access_key_id cannot be set here: for local testing"),
                invalid("config value out of range", root -> config(root).put("validator.num_workers", 0),
                        "config.validator.num_workers: 0 is out of range"),
                invalid("config value not a duration", root -> config(root).put("validator.run_interval", "soon"),
                        "config.validator.run_interval:"),
                invalid("unknown worker", root -> workers(root).putObject("auditor").put("desired_count", 1),
                        "workers.auditor is not a worker; workers are sensor, validator, promoter, api"),
                invalid("no task of a worker", root -> ((ObjectNode) workers(root).get("sensor")).put("desired_count", 0),
                        "workers.sensor.desired_count 0 must be at least 1"),
                invalid("maximum below desired", root -> ((ObjectNode) workers(root).get("promoter")).put("max_count", 0),
                        "workers.promoter.max_count 0 must be at least desired_count 1"),
                invalid("internet-facing API without a certificate", root -> root.put("api_internet_facing", true),
                        "regions[0] (us-east-1) needs api_certificate_arn"),
                invalid("unknown field", root -> root.put("regoins", "x"),
                        "unknown field \"regoins\" at the top level; known fields:"),
                invalid("unknown nested field", root -> region(root, 0).put("zones", "x"),
                        "unknown field \"zones\" at regions[0]"),
                invalid("wrong shape", root -> root.put("regions", "us-east-1"),
                        "field regions has the wrong shape"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTopologies")
    void parse_shouldRejectTopology_namingTheProblem(String description, Consumer<ObjectNode> change, String problem)
            throws IOException {
        String json = example(change);

        assertThatThrownBy(() -> TopologyLoader.parse(json, "test.json"))
                .isInstanceOf(TopologyException.class)
                .hasMessageStartingWith("topology test.json has")
                .hasMessageContaining(problem)
                .hasMessageEndingWith("Fix the topology and synthesize again.");
    }

    @Test
    void parse_shouldReportEveryProblemAtOnce_whenThereAreSeveral() throws IOException {
        String json = example(root -> {
            root.remove("organization_id");
            root.remove("lakefs_access_key_id");
            config(root).put("validator.num_workers", -1);
        });

        assertThatThrownBy(() -> TopologyLoader.parse(json, "test.json"))
                .isInstanceOfSatisfying(TopologyException.class, e -> assertThat(e.problems()).hasSize(3))
                .hasMessageContaining("has 3 problems");
    }

    @Test
    void parse_shouldSayWhatIsWrong_whenTextIsNotJson() {
        assertThatThrownBy(() -> TopologyLoader.parse("{\"regions\": [", "broken.json"))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("topology broken.json has 1 problem:")
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void load_shouldNameTheFile_whenItCannotBeRead() {
        assertThatThrownBy(() -> TopologyLoader.load(Path.of("no-such-topology.json")))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("no-such-topology.json")
                .hasMessageContaining("cannot read the file");
    }

    @Test
    void fromObject_shouldReadTheSameTopology_asTheFile() throws IOException {
        Object tree = JSON.readValue(Files.readString(EXAMPLE), Map.class);

        assertThat(TopologyLoader.fromObject(tree, "context")).isEqualTo(TopologyLoader.load(EXAMPLE));
    }

    @Test
    void reservedConfig_shouldOnlyNameKeysOfTheService() {
        assertThat(ConfigKeys.ALL).containsAll(Topology.RESERVED_CONFIG.keySet());
        assertThat(Topology.RESERVED_CONFIG.keySet()).doesNotContain(ConfigKeys.VALIDATOR_NUM_WORKERS,
                ConfigKeys.LOGGING_LEVEL, ConfigKeys.COMMIT_SENSOR_PROCESS_BRANCHES_DURATION);
    }

    @Test
    void secretNames_shouldDefault_whenTopologyNamesNone() throws IOException {
        Topology topology = TopologyLoader.parse(example(root -> root.remove("secrets")), "test");

        assertThat(topology.secrets()).isEqualTo(new SecretNames(
                "lakemirror/lakefs-secret-access-key", "lakemirror/auth-encrypt-secret-key"));
    }

    private static Arguments invalid(String description, Consumer<ObjectNode> change, String problem) {
        return Arguments.of(description, change, problem);
    }

    private static String example(Consumer<ObjectNode> change) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(Files.readString(EXAMPLE));
        change.accept(root);
        return JSON.writeValueAsString(root);
    }

    private static ObjectNode region(ObjectNode root, int index) {
        return (ObjectNode) root.get("regions").get(index);
    }

    private static ObjectNode replication(ObjectNode root, int index) {
        return (ObjectNode) root.get("replications").get(index);
    }

    private static ArrayNode destinations(ObjectNode root, int index) {
        return (ArrayNode) replication(root, index).get("destinations");
    }

    private static ObjectNode workers(ObjectNode root) {
        return (ObjectNode) root.get("workers");
    }

    private static ObjectNode config(ObjectNode root) {
        return (ObjectNode) root.get("config");
    }
}
