package io.lakemirror.config;

import static io.lakemirror.config.ConfigKeys.*;

import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The validated configuration of one replication-service process, with typed accessors. Built only
 * by {@link ConfigLoader}; every cross-key rule is checked in {@link #from}.
 */
public final class ReplicationConfig {
    private static final Duration MIN_CLOUDWATCH_STEP = Duration.ofSeconds(1);
    private static final Duration MAX_CLOUDWATCH_STEP = Duration.ofMinutes(1);
    private final ConfigValues values;
    private final Region region;
    private final OrganizationId organizationId;
    private final Optional<String> organizationName;
    private final URI regionalEndpoint;
    private final Map<Region, URI> dstEndpoints;
    private final LakeFsCredentials lakeFsCredentials;
    private final DatabaseSettings mirrorsDatabase;
    private final DatabaseSettings refstoreDatabase;
    private final BlockstoreSettings blockstore;
    private final QueueSettings queue;
    private final ListenAddress listenAddress;
    private final int listMirrorsPageSize;
    private final int listRepositoriesPageSize;
    private final AuthSettings auth;
    private final io.lakemirror.auth.AuthMode authMode;
    private final Optional<Secret> authApiToken;
    private final LakeFsDatabaseSettings lakeFsDatabase;
    private final LoggingSettings logging;
    private final CommitSensorSettings commitSensor;
    private final MirrorsManagerSettings mirrorsManager;
    private final ValidatorSettings validator;
    private final ChangeFeedSettings changeFeed;
    private final MetricsSettings metrics;
    private final Optional<AwsCredentials> awsCredentials;

    private ReplicationConfig(ConfigValues v) {
        this.values = v;
        this.region = v.require(REGION);
        this.organizationId = v.require(ORGANIZATION_ID);
        this.organizationName = v.get(ORGANIZATION_NAME);
        this.regionalEndpoint = v.require(REGIONAL_ENDPOINT);
        this.dstEndpoints = Map.copyOf(v.require(DST_ENDPOINTS));
        this.lakeFsCredentials = new LakeFsCredentials(v.require(LAKEFS_ACCESS_KEY_ID), v.require(LAKEFS_SECRET_ACCESS_KEY));
        this.mirrorsDatabase = new DatabaseSettings(v.require(MIRRORS_DATABASE_TYPE),
                v.get(MIRRORS_DATABASE_DYNAMODB_TABLE_NAME), v.require(MIRRORS_DATABASE_DYNAMODB_AWS_REGION),
                v.get(MIRRORS_DATABASE_DYNAMODB_ENDPOINT), v.get(MIRRORS_DATABASE_POSTGRES_CONNECTION_STRING),
                new PostgresPoolSettings(v.require(MIRRORS_DATABASE_POSTGRES_MAX_OPEN_CONNECTIONS),
                        v.require(MIRRORS_DATABASE_POSTGRES_MAX_IDLE_CONNECTIONS), v.require(MIRRORS_DATABASE_POSTGRES_CONNECTION_MAX_LIFETIME)));
        this.refstoreDatabase = new DatabaseSettings(v.require(REFSTORE_DATABASE_TYPE),
                v.get(REFSTORE_DATABASE_DYNAMODB_TABLE_NAME), v.require(REFSTORE_DATABASE_DYNAMODB_AWS_REGION),
                v.get(REFSTORE_DATABASE_DYNAMODB_ENDPOINT), v.get(REFSTORE_DATABASE_POSTGRES_CONNECTION_STRING),
                new PostgresPoolSettings(v.require(REFSTORE_DATABASE_POSTGRES_MAX_OPEN_CONNECTIONS),
                        v.require(REFSTORE_DATABASE_POSTGRES_MAX_IDLE_CONNECTIONS), v.require(REFSTORE_DATABASE_POSTGRES_CONNECTION_MAX_LIFETIME)));
        this.blockstore = new BlockstoreSettings(v.require(BLOCKSTORE_S3_REGION), v.get(BLOCKSTORE_S3_ENDPOINT),
                v.require(BLOCKSTORE_S3_FORCE_PATH_STYLE));
        this.queue = new QueueSettings(v.require(QUEUE_TYPE), v.get(QUEUE_SQS_ENDPOINT), v.require(QUEUE_SQS_QUEUE_NAME),
                Map.copyOf(v.require(QUEUE_SQS_QUEUE_URLS)));
        this.listenAddress = v.require(LISTEN_ADDRESS);
        this.listMirrorsPageSize = v.require(LIST_MIRRORS_PAGE_SIZE);
        this.listRepositoriesPageSize = v.require(LIST_REPOSITORIES_PAGE_SIZE);
        this.auth = new AuthSettings(v.require(AUTH_ENCRYPT_SECRET_KEY), v.get(AUTH_API_ENDPOINT),
                v.require(AUTH_CACHE_ENABLED), v.require(AUTH_CACHE_SIZE), v.require(AUTH_CACHE_TTL));
        this.authMode = effectiveAuthMode(v);
        this.authApiToken = v.get(AUTH_API_TOKEN);
        this.lakeFsDatabase = new LakeFsDatabaseSettings(v.get(DATABASE_TYPE), v.require(DATABASE_DYNAMODB_TABLE_NAME),
                v.require(DATABASE_DYNAMODB_AWS_REGION), v.get(DATABASE_DYNAMODB_ENDPOINT), v.get(DATABASE_DYNAMODB_AWS_PROFILE),
                v.get(DATABASE_DYNAMODB_AWS_ACCESS_KEY_ID).flatMap(id -> v.get(DATABASE_DYNAMODB_AWS_SECRET_ACCESS_KEY)
                        .map(secret -> new AwsCredentials(id, secret))),
                v.require(DATABASE_DYNAMODB_SCAN_LIMIT), v.get(DATABASE_POSTGRES_CONNECTION_STRING),
                v.require(DATABASE_POSTGRES_MAX_OPEN_CONNECTIONS), v.require(DATABASE_POSTGRES_CONNECTION_MAX_LIFETIME));
        this.logging = new LoggingSettings(v.require(LOGGING_LEVEL), v.require(LOGGING_FORMAT));
        this.commitSensor = new CommitSensorSettings(v.require(COMMIT_SENSOR_PROCESS_BRANCHES_DURATION),
                v.require(COMMIT_SENSOR_BRANCHES_SCANNER_CONCURRENCY_LIMIT), v.require(COMMIT_SENSOR_LIST_BRANCH_PAGE_SIZE),
                v.require(COMMIT_SENSOR_LOG_COMMIT_PAGE_SIZE), v.require(COMMIT_SENSOR_INCLUDE_HIDDEN_BRANCHES));
        this.mirrorsManager = new MirrorsManagerSettings(v.require(MIRRORS_MANAGER_PROCESS_MIRRORS_INTERVAL_DURATION));
        this.validator = new ValidatorSettings(v.require(VALIDATOR_RUN_INTERVAL), v.require(VALIDATOR_NUM_WORKERS),
                v.require(VALIDATOR_FIRST_COOLDOWN_ON_MISSING), v.require(VALIDATOR_COOLDOWN_ON_MISSING),
                v.require(VALIDATOR_COOLDOWN_ON_ERROR), v.require(VALIDATOR_STRICT));
        this.changeFeed = new ChangeFeedSettings(v.require(CHANGE_FEED_POLL_INTERVAL));
        this.metrics = new MetricsSettings(v.require(METRICS_REFRESH_INTERVAL),
                new CloudWatchSettings(v.require(METRICS_CLOUDWATCH_ENABLED), v.require(METRICS_CLOUDWATCH_NAMESPACE),
                        v.require(METRICS_CLOUDWATCH_STEP), v.get(METRICS_CLOUDWATCH_ENDPOINT)));
        this.awsCredentials = v.get(AWS_ACCESS_KEY_ID).flatMap(id -> v.get(AWS_SECRET_ACCESS_KEY).map(s -> new AwsCredentials(id, s)));
    }

    /**
     * Applies computed defaults and cross-key rules. Adds problems to {@code problems}; returns
     * {@code null} when the values cannot form a configuration.
     */
    static ReplicationConfig from(ConfigValues v, List<String> problems) {
        Optional<Region> region = v.get(REGION);
        ListenerAndEndpointRules.regionalEndpoint(v, problems);
        ListenerAndEndpointRules.tlsFiles(v, problems);
        ListenerAndEndpointRules.lakeFsCompatibility(v, problems);
        region.ifPresent(r -> {
            defaultTo(v, MIRRORS_DATABASE_DYNAMODB_AWS_REGION, r);
            defaultTo(v, REFSTORE_DATABASE_DYNAMODB_AWS_REGION, r);
            defaultTo(v, BLOCKSTORE_S3_REGION, r);
            defaultTo(v, DATABASE_DYNAMODB_AWS_REGION, r);
        });
        if (v.get(REFSTORE_DATABASE_TYPE).isEmpty() && v.get(DATABASE_TYPE).filter("postgres"::equals).isPresent()
                && v.get(DATABASE_POSTGRES_CONNECTION_STRING).isPresent()) {
            // Beside lakeFS on PostgreSQL the refstore lives in lakeFS's own database, as lakeFS's mirroring keeps it.
            // (lakeFS's DynamoDB kvstore table has another key schema, so a DynamoDB lakeFS does not count.)
            v.put(REFSTORE_DATABASE_TYPE, "postgres", "database.type");
            inherit(v, DATABASE_POSTGRES_CONNECTION_STRING, REFSTORE_DATABASE_POSTGRES_CONNECTION_STRING);
            inherit(v, DATABASE_POSTGRES_MAX_OPEN_CONNECTIONS, REFSTORE_DATABASE_POSTGRES_MAX_OPEN_CONNECTIONS);
            inherit(v, DATABASE_POSTGRES_MAX_OPEN_CONNECTIONS, REFSTORE_DATABASE_POSTGRES_MAX_IDLE_CONNECTIONS);
            inherit(v, DATABASE_POSTGRES_CONNECTION_MAX_LIFETIME, REFSTORE_DATABASE_POSTGRES_CONNECTION_MAX_LIFETIME);
        }
        if (v.get(REFSTORE_DATABASE_TYPE).isEmpty()) {
            v.get(MIRRORS_DATABASE_TYPE).ifPresent(t -> v.put(REFSTORE_DATABASE_TYPE, t, "mirrors_database.type"));
            inherit(v, MIRRORS_DATABASE_DYNAMODB_TABLE_NAME, REFSTORE_DATABASE_DYNAMODB_TABLE_NAME);
            inherit(v, MIRRORS_DATABASE_DYNAMODB_AWS_REGION, REFSTORE_DATABASE_DYNAMODB_AWS_REGION);
            inherit(v, MIRRORS_DATABASE_DYNAMODB_ENDPOINT, REFSTORE_DATABASE_DYNAMODB_ENDPOINT);
            inherit(v, MIRRORS_DATABASE_POSTGRES_CONNECTION_STRING, REFSTORE_DATABASE_POSTGRES_CONNECTION_STRING);
        }
        inheritIfAbsent(v, MIRRORS_DATABASE_POSTGRES_MAX_OPEN_CONNECTIONS, REFSTORE_DATABASE_POSTGRES_MAX_OPEN_CONNECTIONS);
        inheritIfAbsent(v, MIRRORS_DATABASE_POSTGRES_MAX_IDLE_CONNECTIONS, REFSTORE_DATABASE_POSTGRES_MAX_IDLE_CONNECTIONS);
        inheritIfAbsent(v, MIRRORS_DATABASE_POSTGRES_CONNECTION_MAX_LIFETIME, REFSTORE_DATABASE_POSTGRES_CONNECTION_MAX_LIFETIME);

        checkDatabase(v, "mirrors_database", MIRRORS_DATABASE_TYPE, MIRRORS_DATABASE_DYNAMODB_TABLE_NAME,
                MIRRORS_DATABASE_POSTGRES_CONNECTION_STRING, problems);
        checkDatabase(v, "refstore_database", REFSTORE_DATABASE_TYPE, REFSTORE_DATABASE_DYNAMODB_TABLE_NAME,
                REFSTORE_DATABASE_POSTGRES_CONNECTION_STRING, problems);

        Map<Region, URI> dst = v.get(DST_ENDPOINTS).orElse(Map.of());
        if (region.isPresent() && dst.containsKey(region.get())
                && v.get(REGIONAL_ENDPOINT).map(e -> !e.equals(dst.get(region.get()))).orElse(false)) {
            problems.add("dst_endpoints." + region.get() + " is this process's own region but differs from"
                    + " regional_endpoint " + v.get(REGIONAL_ENDPOINT).get() + ": make them equal or remove the entry");
        }
        for (Region queueRegion : new TreeMap<>(v.get(QUEUE_SQS_QUEUE_URLS).orElse(Map.of())).keySet()) {
            if (region.isPresent() && !queueRegion.equals(region.get()) && !dst.containsKey(queueRegion)) {
                problems.add("queue.sqs.queue_urls." + queueRegion + ": region " + queueRegion
                        + " is missing from dst_endpoints (a queue is only needed for this region and its destinations)");
            }
        }
        v.get(METRICS_CLOUDWATCH_STEP).filter(step -> step.compareTo(MAX_CLOUDWATCH_STEP) > 0 || step.compareTo(MIN_CLOUDWATCH_STEP) < 0)
                .ifPresent(step -> problems.add("metrics.cloudwatch.step " + Durations.format(step) + " is out of range: must be"
                        + " between 1s and 1m, since the CloudWatch alarms expect a datapoint every minute"));
        checkAuth(v, problems);
        if (v.get(AWS_ACCESS_KEY_ID).isPresent() != v.get(AWS_SECRET_ACCESS_KEY).isPresent()) {
            problems.add("aws.access_key_id and aws.secret_access_key must be set together (or neither, to use"
                    + " the default AWS credentials chain)");
        }
        return problems.isEmpty() ? new ReplicationConfig(v) : null;
    }

    /** lakeFS Enterprise's replication service: the auth service when auth.api.endpoint is set, else lakeFS's database. */
    private static io.lakemirror.auth.AuthMode effectiveAuthMode(ConfigValues v) {
        return v.get(AUTH_MODE).map(io.lakemirror.auth.AuthMode::fromWire).orElse(v.get(AUTH_API_ENDPOINT).isPresent()
                ? io.lakemirror.auth.AuthMode.AUTH_SERVICE : io.lakemirror.auth.AuthMode.KV);
    }

    private static void checkAuth(ConfigValues v, List<String> problems) {
        Optional<String> mode = v.get(AUTH_MODE);
        if (mode.filter("auth_service"::equals).isPresent() && v.get(AUTH_API_ENDPOINT).isEmpty()) {
            problems.add("auth.mode auth_service needs auth.api.endpoint, the URL of lakeFS's external auth service");
        }
        if (mode.filter("kv"::equals).isPresent() && v.get(DATABASE_TYPE).isEmpty()) {
            problems.add("auth.mode kv needs database.type (dynamodb or postgres) and its settings: lakeFS's own database,"
                    + " where its users, credentials and policies are");
        }
        if (v.get(DATABASE_TYPE).filter("postgres"::equals).isPresent() && v.get(DATABASE_POSTGRES_CONNECTION_STRING).isEmpty()) {
            problems.add("database.postgres.connection_string is required when database.type is postgres");
        }
        if (v.get(DATABASE_DYNAMODB_AWS_ACCESS_KEY_ID).isPresent() != v.get(DATABASE_DYNAMODB_AWS_SECRET_ACCESS_KEY).isPresent()) {
            problems.add("database.dynamodb.aws_access_key_id and database.dynamodb.aws_secret_access_key must be set together");
        }
    }

    private static <T> void defaultTo(ConfigValues v, ConfigKey<T> key, T value) {
        if (v.get(key).isEmpty()) {
            v.put(key, value, "default");
        }
    }

    private static <T> void inheritIfAbsent(ConfigValues v, ConfigKey<T> from, ConfigKey<T> to) {
        if (v.get(to).isEmpty()) {
            inherit(v, from, to);
        }
    }

    private static <T> void inherit(ConfigValues v, ConfigKey<T> from, ConfigKey<T> to) {
        v.get(from).ifPresent(value -> v.put(to, value, from.name()));
    }

    private static void checkDatabase(ConfigValues v, String section, ConfigKey<String> type,
                                      ConfigKey<String> table, ConfigKey<Secret> connection, List<String> problems) {
        Optional<String> t = v.get(type);
        if (t.isEmpty()) {
            return;
        }
        if (t.get().equals("dynamodb") && v.get(table).isEmpty()) {
            problems.add(table.name() + " is required when " + section + ".type is dynamodb (or set " + table.envName() + ")");
        }
        if (t.get().equals("postgres")) {
            if (v.get(connection).isEmpty()) {
                problems.add(connection.name() + " is required when " + section + ".type is postgres");
            }
        }
    }

    /** The parsed values, for printing the effective configuration. */
    public ConfigValues values() {
        return values;
    }

    public Region region() {
        return region;
    }

    public OrganizationId organizationId() {
        return organizationId;
    }

    public Optional<String> organizationName() {
        return organizationName;
    }

    public URI regionalEndpoint() {
        return regionalEndpoint;
    }

    public Map<Region, URI> dstEndpoints() {
        return dstEndpoints;
    }

    /** The lakeFS endpoint of a region: this region's, or one of {@link #dstEndpoints()}. */
    public Optional<URI> lakeFsEndpoint(Region r) {
        return r.equals(region) ? Optional.of(regionalEndpoint) : Optional.ofNullable(dstEndpoints.get(r));
    }

    public LakeFsCredentials lakeFsCredentials() {
        return lakeFsCredentials;
    }

    public DatabaseSettings mirrorsDatabase() {
        return mirrorsDatabase;
    }

    /**
     * The DynamoDB endpoint of each other region's replica of the mirrors table, where one is
     * configured (local stacks with a DynamoDB per region); on AWS empty, each region's own endpoint.
     */
    public Map<Region, URI> mirrorsReplicaEndpoints() {
        return values.require(ConfigKeys.MIRRORS_DATABASE_DYNAMODB_REPLICA_ENDPOINTS);
    }

    public DatabaseSettings refstoreDatabase() {
        return refstoreDatabase;
    }

    public BlockstoreSettings blockstore() {
        return blockstore;
    }

    public QueueSettings queue() {
        return queue;
    }

    public ListenAddress listenAddress() {
        return listenAddress;
    }

    public int listMirrorsPageSize() {
        return listMirrorsPageSize;
    }

    public int listRepositoriesPageSize() {
        return listRepositoriesPageSize;
    }

    public AuthSettings auth() {
        return auth;
    }

    /** Where the API reads callers' keys and policies ({@code auth.mode}, or its default). */
    public io.lakemirror.auth.AuthMode authMode() {
        return authMode;
    }

    /** {@code auth.api.token}: a fixed bearer token for the auth service instead of a signed JWT. */
    public Optional<Secret> authApiToken() {
        return authApiToken;
    }

    /** lakeFS's own database ({@code database.*}), read in {@code auth.mode kv}. */
    public LakeFsDatabaseSettings lakeFsDatabase() {
        return lakeFsDatabase;
    }

    public LoggingSettings logging() {
        return logging;
    }

    public CommitSensorSettings commitSensor() {
        return commitSensor;
    }

    public MirrorsManagerSettings mirrorsManager() {
        return mirrorsManager;
    }

    public ValidatorSettings validator() {
        return validator;
    }

    public ChangeFeedSettings changeFeed() {
        return changeFeed;
    }

    public MetricsSettings metrics() {
        return metrics;
    }

    /** Static AWS credentials when configured; otherwise the default credentials chain applies. */
    public Optional<AwsCredentials> awsCredentials() {
        return awsCredentials;
    }

    @Override
    public String toString() {
        return "ReplicationConfig[region=" + region + ", organization=" + organizationId + "]";
    }

    /** Access key pair of the replication user on every lakeFS installation. */
    public record LakeFsCredentials(String accessKeyId, Secret secretAccessKey) {
    }

    /** Where the mirrors database or the refstore lives. */
    public record DatabaseSettings(String type, Optional<String> dynamoDbTableName, Region dynamoDbRegion,
                                   Optional<URI> dynamoDbEndpoint, Optional<Secret> postgresConnectionString,
                                   PostgresPoolSettings postgresPool) {
    }

    /**
     * A process's connection pool to a PostgreSQL database, with lakeFS's names ({@code database.postgres.*}).
     *
     * @param maxIdleConnections connections kept open while idle (the pool keeps at most maxOpenConnections)
     */
    public record PostgresPoolSettings(int maxOpenConnections, int maxIdleConnections, Duration connectionMaxLifetime) {
    }

    public record BlockstoreSettings(Region s3Region, Optional<URI> s3Endpoint, boolean forcePathStyle) {
    }

    /** The commits queue of every region: looked up by name, or given by URL. */
    public record QueueSettings(String type, Optional<URI> sqsEndpoint, String queueName, Map<Region, String> queueUrls) {
    }

    public record AuthSettings(Secret encryptSecretKey, Optional<URI> apiEndpoint, boolean cacheEnabled, int cacheSize,
                               Duration cacheTtl) {
    }

    public record LoggingSettings(String level, String format) {
    }

    /**
     * lakeFS's database as lakeFS configures it ({@code database.*}).
     *
     * @param type empty when not configured
     */
    public record LakeFsDatabaseSettings(Optional<String> type, String dynamoDbTableName, Region dynamoDbRegion,
                                         Optional<URI> dynamoDbEndpoint, Optional<String> dynamoDbProfile,
                                         Optional<AwsCredentials> dynamoDbCredentials, int dynamoDbScanLimit,
                                         Optional<Secret> postgresConnectionString, int postgresMaxOpenConnections,
                                         Duration postgresConnectionMaxLifetime) {
    }

    public record CommitSensorSettings(Duration processBranchesInterval, int branchesScannerConcurrencyLimit,
                                       int listBranchPageSize, int logCommitPageSize, boolean includeHiddenBranches) {
    }

    public record MirrorsManagerSettings(Duration processMirrorsInterval) {
    }

    public record ValidatorSettings(Duration runInterval, int numWorkers, Duration firstCooldownOnMissing,
                                    Duration cooldownOnMissing, Duration cooldownOnError, boolean strict) {
    }

    public record ChangeFeedSettings(Duration pollInterval) {
    }

    public record AwsCredentials(String accessKeyId, Secret secretAccessKey) {
    }

    /**
     * Operator metrics.
     *
     * @param refreshInterval how often the per-mirror gauges and the alarm gauges are recomputed
     */
    public record MetricsSettings(Duration refreshInterval, CloudWatchSettings cloudWatch) {
    }

    /**
     * Publication of the alarm metrics to CloudWatch.
     *
     * @param step     interval between two publications
     * @param endpoint endpoint override for local testing; the region's AWS endpoint when empty
     */
    public record CloudWatchSettings(boolean enabled, String namespace, Duration step, Optional<URI> endpoint) {
    }
}
