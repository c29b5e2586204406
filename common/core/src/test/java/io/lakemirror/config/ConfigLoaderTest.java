package io.lakemirror.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakemirror.domain.Region;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
    static final String MINIMAL = """
            region: us-east-1
            organization_id: acme
            regional_endpoint: http://lakefs-a.example.com:8000
            dst_endpoints:
              eu-west-1: http://lakefs-b.example.com:8000
            lakefs:
              access_key_id: AKIAREPLICATION
              secret_access_key: s3cr3t-lakefs-key
            mirrors_database:
              type: dynamodb
              dynamodb:
                table_name: lakemirror
            blockstore:
              type: s3
            auth:
              encrypt:
                secret_key: s3cr3t-encrypt-key
            """;

    @TempDir
    Path dir;

    private ReplicationConfig load(String yaml, Map<String, String> env) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(Optional.of(file), env);
    }

    private ConfigException problems(String yaml, Map<String, String> env) {
        return catchThrowableOfType(ConfigException.class, () -> load(yaml, env));
    }

    @Test
    void load_shouldParseTheMinimalFile() throws IOException {
        ReplicationConfig c = load(MINIMAL, Map.of());

        assertThat(c.region()).isEqualTo(Region.of("us-east-1"));
        assertThat(c.organizationId().value()).isEqualTo("acme");
        assertThat(c.dstEndpoints()).containsEntry(Region.of("eu-west-1"), URI.create("http://lakefs-b.example.com:8000"));
        assertThat(c.lakeFsEndpoint(Region.of("us-east-1"))).contains(URI.create("http://lakefs-a.example.com:8000"));
        assertThat(c.lakeFsCredentials().secretAccessKey().reveal()).isEqualTo("s3cr3t-lakefs-key");
    }

    static Stream<Arguments> documentedDefaults() {
        return Stream.of(
                Arguments.of("listen_address", (Function<ReplicationConfig, Object>) c -> c.listenAddress().toString(), "0.0.0.0:8008"),
                Arguments.of("tls.enabled", (Function<ReplicationConfig, Object>) c -> c.values().require(ConfigKeys.TLS_ENABLED), false),
                Arguments.of("tls.cert_file", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.TLS_CERT_FILE), Optional.empty()),
                Arguments.of("tls.key_file", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.TLS_KEY_FILE), Optional.empty()),
                Arguments.of("api.request_timeout", (Function<ReplicationConfig, Object>) c -> c.values().require(ConfigKeys.API_REQUEST_TIMEOUT), Duration.ofSeconds(30)),
                Arguments.of("api.idle_timeout", (Function<ReplicationConfig, Object>) c -> c.values().require(ConfigKeys.API_IDLE_TIMEOUT), Duration.ofSeconds(60)),
                Arguments.of("api.auth_timeout", (Function<ReplicationConfig, Object>) c -> c.values().require(ConfigKeys.API_AUTH_TIMEOUT), Duration.ofSeconds(5)),
                Arguments.of("api.auth_failures.max_per_address", (Function<ReplicationConfig, Object>) c -> c.values().require(ConfigKeys.API_AUTH_FAILURES_MAX_PER_ADDRESS), 30),
                Arguments.of("api.auth_failures.max_per_access_key", (Function<ReplicationConfig, Object>) c -> c.values().require(ConfigKeys.API_AUTH_FAILURES_MAX_PER_ACCESS_KEY), 10),
                Arguments.of("api.auth_failures.window", (Function<ReplicationConfig, Object>) c -> c.values().require(ConfigKeys.API_AUTH_FAILURES_WINDOW), Duration.ofMinutes(1)),
                Arguments.of("api.trust_forwarded_headers", (Function<ReplicationConfig, Object>) c -> c.values().require(ConfigKeys.API_TRUST_FORWARDED_HEADERS), false),
                Arguments.of("api.metrics", (Function<ReplicationConfig, Object>) c -> c.values().require(ConfigKeys.API_METRICS), "open"),
                Arguments.of("committed.metadata_prefix", (Function<ReplicationConfig, Object>) c -> c.values().require(ConfigKeys.COMMITTED_METADATA_PREFIX), "_lakefs/"),
                Arguments.of("committed.local_cache.size_bytes", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.COMMITTED_LOCAL_CACHE_SIZE_BYTES), Optional.empty()),
                Arguments.of("committed.local_cache.dir", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.COMMITTED_LOCAL_CACHE_DIR), Optional.empty()),
                Arguments.of("committed.local_cache.range_proportion", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.COMMITTED_LOCAL_CACHE_RANGE_PROPORTION), Optional.empty()),
                Arguments.of("committed.local_cache.metarange_proportion", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.COMMITTED_LOCAL_CACHE_METARANGE_PROPORTION), Optional.empty()),
                Arguments.of("validator.metarange_presence_cache.size", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.VALIDATOR_METARANGE_PRESENCE_CACHE_SIZE), Optional.empty()),
                Arguments.of("validator.metarange_presence_cache.expiry", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.VALIDATOR_METARANGE_PRESENCE_CACHE_EXPIRY), Optional.empty()),
                Arguments.of("validator.metarange_presence_cache.cooldown", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.VALIDATOR_METARANGE_PRESENCE_CACHE_COOLDOWN), Optional.empty()),
                Arguments.of("validator.range_presence_cache.size", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.VALIDATOR_RANGE_PRESENCE_CACHE_SIZE), Optional.empty()),
                Arguments.of("validator.range_presence_cache.expiry", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.VALIDATOR_RANGE_PRESENCE_CACHE_EXPIRY), Optional.empty()),
                Arguments.of("validator.range_presence_cache.cooldown", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.VALIDATOR_RANGE_PRESENCE_CACHE_COOLDOWN), Optional.empty()),
                Arguments.of("validator.object_presence_cache.size", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.VALIDATOR_OBJECT_PRESENCE_CACHE_SIZE), Optional.empty()),
                Arguments.of("validator.object_presence_cache.expiry", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.VALIDATOR_OBJECT_PRESENCE_CACHE_EXPIRY), Optional.empty()),
                Arguments.of("validator.object_presence_cache.cooldown", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.VALIDATOR_OBJECT_PRESENCE_CACHE_COOLDOWN), Optional.empty()),
                Arguments.of("validator.storage_namespace_cache.size", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.VALIDATOR_STORAGE_NAMESPACE_CACHE_SIZE), Optional.empty()),
                Arguments.of("validator.storage_namespace_cache.expiry", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.VALIDATOR_STORAGE_NAMESPACE_CACHE_EXPIRY), Optional.empty()),
                Arguments.of("auth.cache.jitter", (Function<ReplicationConfig, Object>) c -> c.values().get(ConfigKeys.AUTH_CACHE_JITTER), Optional.empty()),
                Arguments.of("health.listen_address", (Function<ReplicationConfig, Object>) c -> c.values().require(ConfigKeys.HEALTH_LISTEN_ADDRESS).toString(), "0.0.0.0:8009"),
                Arguments.of("list_mirrors_page_size", (Function<ReplicationConfig, Object>) ReplicationConfig::listMirrorsPageSize, 1000),
                Arguments.of("list_repositories_page_size", (Function<ReplicationConfig, Object>) ReplicationConfig::listRepositoriesPageSize, 1000),
                Arguments.of("logging.level", (Function<ReplicationConfig, Object>) c -> c.logging().level(), "INFO"),
                Arguments.of("logging.format", (Function<ReplicationConfig, Object>) c -> c.logging().format(), "text"),
                Arguments.of("commit_sensor.process_branches_duration", (Function<ReplicationConfig, Object>) c -> c.commitSensor().processBranchesInterval(), Duration.ofSeconds(1)),
                Arguments.of("commit_sensor.branches_scanner_concurrency_limit", (Function<ReplicationConfig, Object>) c -> c.commitSensor().branchesScannerConcurrencyLimit(), 10),
                Arguments.of("commit_sensor.list_branch_page_size", (Function<ReplicationConfig, Object>) c -> c.commitSensor().listBranchPageSize(), 1000),
                Arguments.of("commit_sensor.log_commit_page_size", (Function<ReplicationConfig, Object>) c -> c.commitSensor().logCommitPageSize(), 1000),
                Arguments.of("commit_sensor.include_hidden_branches", (Function<ReplicationConfig, Object>) c -> c.commitSensor().includeHiddenBranches(), false),
                Arguments.of("mirrors_manager.process_mirrors_interval_duration", (Function<ReplicationConfig, Object>) c -> c.mirrorsManager().processMirrorsInterval(), Duration.ofSeconds(20)),
                Arguments.of("validator.run_interval", (Function<ReplicationConfig, Object>) c -> c.validator().runInterval(), Duration.ofMinutes(1)),
                Arguments.of("validator.num_workers", (Function<ReplicationConfig, Object>) c -> c.validator().numWorkers(), 3),
                Arguments.of("validator.cooldown_on_missing", (Function<ReplicationConfig, Object>) c -> c.validator().cooldownOnMissing(), Duration.ofMinutes(1)),
                Arguments.of("validator.first_cooldown_on_missing", (Function<ReplicationConfig, Object>) c -> c.validator().firstCooldownOnMissing(), Duration.ofMillis(200)),
                Arguments.of("validator.cooldown_on_error", (Function<ReplicationConfig, Object>) c -> c.validator().cooldownOnError(), Duration.ofMinutes(1)),
                Arguments.of("validator.strict", (Function<ReplicationConfig, Object>) c -> c.validator().strict(), false),
                Arguments.of("auth.api.endpoint", (Function<ReplicationConfig, Object>) c -> c.auth().apiEndpoint(), Optional.empty()),
                Arguments.of("auth.cache.enabled", (Function<ReplicationConfig, Object>) c -> c.auth().cacheEnabled(), false),
                Arguments.of("auth.cache.size", (Function<ReplicationConfig, Object>) c -> c.auth().cacheSize(), 1024),
                Arguments.of("auth.cache.ttl", (Function<ReplicationConfig, Object>) c -> c.auth().cacheTtl(), Duration.ofSeconds(20)),
                Arguments.of("auth.mode", (Function<ReplicationConfig, Object>) ReplicationConfig::authMode, io.lakemirror.auth.AuthMode.KV),
                Arguments.of("auth.api.token", (Function<ReplicationConfig, Object>) ReplicationConfig::authApiToken, Optional.empty()),
                Arguments.of("database.type", (Function<ReplicationConfig, Object>) c -> c.lakeFsDatabase().type(), Optional.empty()),
                Arguments.of("database.dynamodb.table_name", (Function<ReplicationConfig, Object>) c -> c.lakeFsDatabase().dynamoDbTableName(), "kvstore"),
                Arguments.of("database.dynamodb.aws_region", (Function<ReplicationConfig, Object>) c -> c.lakeFsDatabase().dynamoDbRegion(), Region.of("us-east-1")),
                Arguments.of("database.dynamodb.aws_profile", (Function<ReplicationConfig, Object>) c -> c.lakeFsDatabase().dynamoDbProfile(), Optional.empty()),
                Arguments.of("database.dynamodb.aws_access_key_id", (Function<ReplicationConfig, Object>) c -> c.lakeFsDatabase().dynamoDbCredentials(), Optional.empty()),
                Arguments.of("database.dynamodb.scan_limit", (Function<ReplicationConfig, Object>) c -> c.lakeFsDatabase().dynamoDbScanLimit(), 1024),
                Arguments.of("queue.type", (Function<ReplicationConfig, Object>) c -> c.queue().type(), "sqs"),
                Arguments.of("queue.sqs.queue_name", (Function<ReplicationConfig, Object>) c -> c.queue().queueName(), "lakemirror-commits.fifo"),
                Arguments.of("queue.sqs.queue_urls", (Function<ReplicationConfig, Object>) c -> c.queue().queueUrls(), Map.of()),
                Arguments.of("blockstore.s3.force_path_style", (Function<ReplicationConfig, Object>) c -> c.blockstore().forcePathStyle(), false),
                Arguments.of("blockstore.s3.region", (Function<ReplicationConfig, Object>) c -> c.blockstore().s3Region(), Region.of("us-east-1")),
                Arguments.of("mirrors_database.dynamodb.aws_region", (Function<ReplicationConfig, Object>) c -> c.mirrorsDatabase().dynamoDbRegion(), Region.of("us-east-1")),
                Arguments.of("mirrors_database.dynamodb.replica_endpoints", (Function<ReplicationConfig, Object>) c -> c.mirrorsReplicaEndpoints(), Map.of()),
                Arguments.of("refstore_database.type", (Function<ReplicationConfig, Object>) c -> c.refstoreDatabase().type(), "dynamodb"),
                Arguments.of("refstore_database.dynamodb.table_name", (Function<ReplicationConfig, Object>) c -> c.refstoreDatabase().dynamoDbTableName(), Optional.of("lakemirror")),
                Arguments.of("change_feed.poll_interval", (Function<ReplicationConfig, Object>) c -> c.changeFeed().pollInterval(), Duration.ofMillis(500)),
                Arguments.of("metrics.refresh_interval", (Function<ReplicationConfig, Object>) c -> c.metrics().refreshInterval(), Duration.ofSeconds(15)),
                Arguments.of("metrics.cloudwatch.enabled", (Function<ReplicationConfig, Object>) c -> c.metrics().cloudWatch().enabled(), false),
                Arguments.of("metrics.cloudwatch.namespace", (Function<ReplicationConfig, Object>) c -> c.metrics().cloudWatch().namespace(), "lakemirror"),
                Arguments.of("metrics.cloudwatch.step", (Function<ReplicationConfig, Object>) c -> c.metrics().cloudWatch().step(), Duration.ofMinutes(1)),
                Arguments.of("aws.access_key_id", (Function<ReplicationConfig, Object>) ReplicationConfig::awsCredentials, Optional.empty()),
                Arguments.of("organization_name", (Function<ReplicationConfig, Object>) ReplicationConfig::organizationName, Optional.empty()));
    }

    @ParameterizedTest(name = "{0} = {2}")
    @MethodSource("documentedDefaults")
    void load_shouldApplyTheDocumentedDefault_whenKeyIsAbsent(String key, Function<ReplicationConfig, Object> accessor,
                                                                Object expected) throws IOException {
        assertThat(accessor.apply(load(MINIMAL, Map.of()))).isEqualTo(expected);
    }

    @Test
    void documentedDefaults_shouldCoverEveryOptionalKey() {
        var covered = documentedDefaults().map(a -> (String) a.get()[0]).toList();
        var optional = ConfigKeys.ALL.stream().filter(k -> !k.isRequired()).map(ConfigKey::name)
                // keys whose absence has no default of their own beyond "unset", covered with their siblings
                .filter(n -> !n.endsWith(".endpoint") || n.equals("auth.api.endpoint"))
                // optional only for lakeFS Cloud (built from organization_name): ListenerAndEndpointRulesTest
                .filter(n -> !n.equals("regional_endpoint"))
                .filter(n -> !n.contains("postgres") && !n.equals("aws.secret_access_key")
                        && !n.equals("mirrors_database.dynamodb.table_name")
                        && !n.equals("database.dynamodb.aws_secret_access_key")
                        && !n.startsWith("refstore_database.dynamodb.aws_region"))
                .toList();
        assertThat(covered).containsAll(optional);
    }

    @Test
    void load_shouldLetEnvironmentOverrideTheFile() throws IOException {
        ReplicationConfig c = load(MINIMAL, Map.of("REPLICATION_REGION", "eu-west-1",
                "REPLICATION_VALIDATOR_NUM_WORKERS", "8",
                "REPLICATION_DST_ENDPOINTS", "us-east-1=http://lakefs-a.example.com:8000",
                "REPLICATION_REGIONAL_ENDPOINT", "http://lakefs-b.example.com:8000"));

        assertThat(c.region()).isEqualTo(Region.of("eu-west-1"));
        assertThat(c.validator().numWorkers()).isEqualTo(8);
        assertThat(c.dstEndpoints()).containsOnlyKeys(Region.of("us-east-1"));
        assertThat(c.values().origin(ConfigKeys.REGION)).contains("environment REPLICATION_REGION");
    }

    @Test
    void load_shouldAcceptTheSourceLakeFsAliases_butPreferThePrimaryName() throws IOException {
        String withoutCredentials = MINIMAL.replace("  access_key_id: AKIAREPLICATION\n", "")
                .replace("  secret_access_key: s3cr3t-lakefs-key\n", "");
        ReplicationConfig c = load(withoutCredentials, Map.of(
                "REPLICATION_SOURCE_LAKEFS_ACCESS_KEY_ID", "AKIAALIAS",
                "REPLICATION_SOURCE_LAKEFS_SECRET_ACCESS_KEY", "alias-secret",
                "REPLICATION_LAKEFS_SECRET_ACCESS_KEY", "primary-secret"));

        assertThat(c.lakeFsCredentials().accessKeyId()).isEqualTo("AKIAALIAS");
        assertThat(c.lakeFsCredentials().secretAccessKey().reveal()).isEqualTo("primary-secret");
    }

    @Test
    void load_shouldReportEveryProblemAtOnce_whenTheFileHasThreeMistakes() {
        String yaml = MINIMAL.replace("region: us-east-1", "region: US East")
                + "validator:\n  num_worker: 4\n  cooldown_on_error: 10 seconds\n";

        ConfigException e = problems(yaml, Map.of());

        assertThat(e.problems()).hasSize(3);
        assertThat(e.problems().get(0)).contains("unknown key validator.num_worker").contains("did you mean validator.num_workers?");
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("region (from file").contains("invalid region"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("validator.cooldown_on_error").contains("500ms, 20s, 1m"));
        assertThat(e.getMessage()).startsWith("invalid configuration, 3 problems");
    }

    static Stream<Arguments> singleProblems() {
        return Stream.of(
                Arguments.of(MINIMAL.replace("region: us-east-1\n", ""), "region is required"),
                Arguments.of(MINIMAL.replace("http://lakefs-a.example.com:8000", "lakefs-a:8000"), "regional_endpoint (from file"),
                Arguments.of(MINIMAL.replace("    table_name: lakemirror\n", "").replace("  dynamodb:\n", ""),
                        "mirrors_database.dynamodb.table_name is required when mirrors_database.type is dynamodb"),
                Arguments.of(MINIMAL + "queue:\n  sqs:\n    queue_urls:\n      ap-south-1: http://sqs/q.fifo\n",
                        "region ap-south-1 is missing from dst_endpoints"),
                Arguments.of(MINIMAL + "aws:\n  access_key_id: AKIA\n", "must be set together"),
                Arguments.of(MINIMAL + "list_mirrors_page_size: 5000\n", "out of range"),
                Arguments.of(MINIMAL + "logging:\n  format: xml\n", "use one of text, json"),
                Arguments.of(MINIMAL + "listen_address: 8008\n", "is not host:port"),
                Arguments.of(MINIMAL + "blockstore_type: s3\n", "did you mean blockstore.type?"),
                Arguments.of(MINIMAL + "validator:\n  run_interval: 0s\n", "longer than zero"),
                Arguments.of(MINIMAL + "metrics:\n  cloudwatch:\n    step: 5m\n", "metrics.cloudwatch.step 5m is out of range"),
                Arguments.of(MINIMAL.replace("eu-west-1: http", "EU: http"), "invalid region \"EU\""),
                Arguments.of("- just\n- a list\n", "must hold a YAML mapping"),
                Arguments.of("region: [unclosed\n", "cannot read configuration file"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("singleProblems")
    void load_shouldExplainTheProblem(String yaml, String expected) {
        ConfigException e = problems(yaml, Map.of());
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains(expected));
    }

    @Test
    void load_shouldReportUnknownEnvironmentVariables_withASuggestion() {
        ConfigException e = problems(MINIMAL, Map.of("REPLICATION_VALIDATOR_NUM_WORKER", "4", "PATH", "/bin"));
        assertThat(e.problems()).containsExactly(
                "unknown environment variable REPLICATION_VALIDATOR_NUM_WORKER: did you mean REPLICATION_VALIDATOR_NUM_WORKERS?");
    }

    @Test
    void load_shouldFail_whenTheFileIsMissing() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(dir.resolve("absent.yaml")), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot read configuration file");
    }

    @Test
    void fromMap_shouldValidateLikeAFile() {
        Map<String, Object> values = new HashMap<>();
        values.put("region", "us-east-1");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.fromMap(values));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("organization_id is required"));
    }
}
