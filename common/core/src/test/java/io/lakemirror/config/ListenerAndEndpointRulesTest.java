package io.lakemirror.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListenerAndEndpointRulesTest {

    private static Map<String, Object> minimal() {
        Map<String, Object> values = new HashMap<>();
        values.put("region", "us-east-1");
        values.put("organization_id", "org");
        values.put("regional_endpoint", "http://lakefs-a.example.com:8000");
        values.put("dst_endpoints", Map.of("us-west-2", "http://lakefs-b.example.com:8000"));
        values.put("lakefs.access_key_id", "AKIAREPLICATION");
        values.put("lakefs.secret_access_key", "secret");
        values.put("mirrors_database.type", "dynamodb");
        values.put("mirrors_database.dynamodb.table_name", "mirrors");
        values.put("blockstore.type", "s3");
        values.put("auth.encrypt.secret_key", "shh");
        values.put("auth.api.endpoint", "http://auth.example.com:8000/api/v1");
        return values;
    }

    @Test
    void regionalEndpoint_shouldBeLakeFsCloudsAddress_whenOnlyOrganizationNameIsSet() {
        Map<String, Object> values = minimal();
        values.remove("regional_endpoint");
        values.put("organization_name", "my-org");

        ReplicationConfig config = ConfigLoader.fromMap(values);

        assertThat(config.regionalEndpoint()).isEqualTo(URI.create("https://my-org.us-east-1.lakefscloud.io"));
        assertThat(config.values().origin(ConfigKeys.REGIONAL_ENDPOINT)).hasValue("organization_name (lakeFS Cloud)");
    }

    @Test
    void regionalEndpoint_shouldWin_whenBothAreSet() {
        Map<String, Object> values = minimal();
        values.put("organization_name", "my-org");

        assertThat(ConfigLoader.fromMap(values).regionalEndpoint()).isEqualTo(URI.create("http://lakefs-a.example.com:8000"));
    }

    @Test
    void load_shouldRequireRegionalEndpoint_whenOrganizationNameIsMissingToo() {
        Map<String, Object> values = minimal();
        values.remove("regional_endpoint");

        assertThatThrownBy(() -> ConfigLoader.fromMap(values)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).singleElement().asString()
                        .startsWith("regional_endpoint is required").contains("organization_name"));
    }

    @Test
    void load_shouldRefuseAnOrganizationName_thatCannotNameAHost() {
        Map<String, Object> values = minimal();
        values.remove("regional_endpoint");
        values.put("organization_name", "My Org");

        assertThatThrownBy(() -> ConfigLoader.fromMap(values)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("organization_name \"My Org\" cannot name a lakeFS Cloud host");
    }

    @Test
    void load_shouldReportABadRegionalEndpointOnce() {
        Map<String, Object> values = minimal();
        values.put("regional_endpoint", "lakefs-a:8000");

        assertThatThrownBy(() -> ConfigLoader.fromMap(values)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).singleElement().asString()
                        .startsWith("regional_endpoint (from map)"));
    }

    @Test
    void load_shouldRequireBothPemFiles_whenTlsIsEnabled() {
        Map<String, Object> values = minimal();
        values.put("tls.enabled", "true");
        values.put("tls.key_file", "/nonexistent/key.pem");

        assertThatThrownBy(() -> ConfigLoader.fromMap(values)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "tls.cert_file is required when tls.enabled is true: " + ConfigKeys.TLS_CERT_FILE.doc(),
                        "tls.key_file /nonexistent/key.pem is not a readable file"));
    }

    @Test
    void load_shouldAcceptTls_whenBothFilesAreReadable(@TempDir Path dir) throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n");
        Map<String, Object> values = minimal();
        values.put("tls.enabled", "true");
        values.put("tls.cert_file", cert.toString());
        values.put("tls.key_file", key.toString());

        ReplicationConfig config = ConfigLoader.fromMap(values);

        assertThat(config.values().require(ConfigKeys.TLS_ENABLED)).isTrue();
    }

    /** The optional keys of lakeFS's replication configuration reference, with lakeFS's documented defaults. */
    private static final String LAKEFS_REFERENCE_KEYS = """
            region: us-east-1
            organization_id: org
            organization_name: my-org
            dst_endpoints: {us-west-2: "http://lakefs-b.example.com:8000"}
            lakefs: {access_key_id: AKIAREPLICATION, secret_access_key: secret}
            mirrors_database: {type: dynamodb, dynamodb: {table_name: mirrors, aws_region: us-east-1}}
            blockstore: {type: s3, s3: {region: us-east-1}}
            auth:
              encrypt: {secret_key: shh}
              api: {endpoint: "http://auth.example.com:8000/api/v1"}
              cache: {enabled: true, size: 1000, ttl: 20s, jitter: 3s}
            listen_address: 0.0.0.0:8008
            list_mirrors_page_size: 1000
            list_repositories_page_size: 1000
            logging: {level: INFO, format: text}
            committed:
              local_cache: {size_bytes: 1073741824, dir: /tmp/cache, range_proportion: 0.9, metarange_proportion: 0.1}
              metadata_prefix: _lakefs/
            commit_sensor: {process_branches_duration: 1m, branches_scanner_concurrency_limit: 10, list_branch_page_size: 1000, log_commit_page_size: 1000}
            mirrors_manager: {process_mirrors_interval_duration: 20s}
            validator:
              run_interval: 1m
              num_workers: 3
              cooldown_on_missing: 1m
              cooldown_on_error: 1m
              metarange_presence_cache: {size: 5000, expiry: 1440h, cooldown: 30s}
              range_presence_cache: {size: 500000, expiry: 1440h, cooldown: 10s}
              object_presence_cache: {size: 5000000, expiry: 24h, cooldown: 5s}
              storage_namespace_cache: {size: 1000, expiry: 17s}
            """;

    @Test
    void load_shouldAcceptEveryKeyOfLakeFsReference(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("replication.yaml"), LAKEFS_REFERENCE_KEYS);

        ReplicationConfig config = ConfigLoader.load(java.util.Optional.of(file), Map.of());

        assertThat(config.regionalEndpoint()).isEqualTo(URI.create("https://my-org.us-east-1.lakefscloud.io"));
        assertThat(config.values().get(ConfigKeys.VALIDATOR_RANGE_PRESENCE_CACHE_EXPIRY)).hasValue("1440h");
        assertThat(ConfigKeys.VALIDATOR_RANGE_PRESENCE_CACHE_EXPIRY.doc()).startsWith("Accepted for compatibility")
                .contains("ignored");
    }

    @Test
    void load_shouldNameTheDottedKey_whenLakeFsTableNamesTheReplicationUserKeysWithUnderscores() {
        Map<String, Object> values = minimal();
        values.remove("lakefs.access_key_id");
        values.put("lakefs_access_key_id", "AKIAREPLICATION");

        assertThatThrownBy(() -> ConfigLoader.fromMap(values)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key lakefs_access_key_id (in map): did you mean lakefs.access_key_id?");
    }

    @Test
    void load_shouldRefuseAMetadataPrefixOtherThanLakeFsDefault() {
        Map<String, Object> values = minimal();
        values.put("committed.metadata_prefix", "meta/");

        assertThatThrownBy(() -> ConfigLoader.fromMap(values)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("committed.metadata_prefix \"meta/\" is not supported");
        values.put("committed.metadata_prefix", "_lakefs");
        assertThat(ConfigLoader.fromMap(values).values().require(ConfigKeys.COMMITTED_METADATA_PREFIX)).isEqualTo("_lakefs");
    }

    @Test
    void load_shouldGiveTheApiHardeningDefaults() {
        ConfigValues v = ConfigLoader.fromMap(minimal()).values();

        assertThat(v.require(ConfigKeys.TLS_ENABLED)).isFalse();
        assertThat(v.require(ConfigKeys.API_REQUEST_TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
        assertThat(v.require(ConfigKeys.API_IDLE_TIMEOUT)).isEqualTo(Duration.ofSeconds(60));
        assertThat(v.require(ConfigKeys.API_AUTH_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
        assertThat(v.require(ConfigKeys.API_AUTH_FAILURES_MAX_PER_ADDRESS)).isEqualTo(30);
        assertThat(v.require(ConfigKeys.API_AUTH_FAILURES_MAX_PER_ACCESS_KEY)).isEqualTo(10);
        assertThat(v.require(ConfigKeys.API_AUTH_FAILURES_WINDOW)).isEqualTo(Duration.ofMinutes(1));
        assertThat(v.require(ConfigKeys.API_TRUST_FORWARDED_HEADERS)).isFalse();
        assertThat(v.require(ConfigKeys.API_METRICS)).isEqualTo("open");
    }
}
