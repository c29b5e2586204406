package io.lakemirror.config;

import static io.lakemirror.config.ConfigType.bool;
import static io.lakemirror.config.ConfigType.connectionString;
import static io.lakemirror.config.ConfigType.duration;
import static io.lakemirror.config.ConfigType.httpUrl;
import static io.lakemirror.config.ConfigType.intRange;
import static io.lakemirror.config.ConfigType.listenAddress;
import static io.lakemirror.config.ConfigType.logLevel;
import static io.lakemirror.config.ConfigType.nonEmptyString;
import static io.lakemirror.config.ConfigType.oneOf;
import static io.lakemirror.config.ConfigType.organizationId;
import static io.lakemirror.config.ConfigType.region;
import static io.lakemirror.config.ConfigType.regionToString;
import static io.lakemirror.config.ConfigType.regionToUrl;
import static io.lakemirror.config.ConfigType.secret;

import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.metrics.AlarmMetric;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every configuration key of the replication service, declared once. The configuration reference
 * ({@code docs/configuration.md}) is generated from this list.
 */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    /** How the reference starts the description of a key kept only so that lakeFS's configuration loads. */
    private static final String IGNORED = "Accepted for compatibility with lakeFS's replication configuration and ignored: ";

    // --- identity and topology
    public static final ConfigKey<Region> REGION = ConfigKey.required("region", region())
            .doc("The region this process runs in. The sensor acts on mirrors whose source is this region;"
                    + " the validator, promoter and mirrors manager on mirrors whose destination is this region.")
            .build();
    public static final ConfigKey<OrganizationId> ORGANIZATION_ID = ConfigKey.required("organization_id", organizationId())
            .doc("Organization that owns the mirrors: part of every mirrors-database key. Must be identical in every region.")
            .build();
    public static final ConfigKey<String> ORGANIZATION_NAME = ConfigKey.optional("organization_name", ConfigType.string())
            .doc("lakeFS Cloud organization name. Used only when regional_endpoint is empty: regional_endpoint then becomes"
                    + " https://<organization_name>.<region>.lakefscloud.io, lakeFS Cloud's address of an installation."
                    + " Ignored when regional_endpoint is set.")
            .build();
    public static final ConfigKey<URI> REGIONAL_ENDPOINT = ConfigKey.optional("regional_endpoint", httpUrl())
            .defaultDescription("https://<organization_name>.<region>.lakefscloud.io when organization_name is set")
            .doc("lakeFS server of this region, without /api/v1 (for example https://lakefs.us-east-1.example.com). Required"
                    + " unless organization_name is set (lakeFS Cloud).")
            .build();
    public static final ConfigKey<Map<Region, URI>> DST_ENDPOINTS = ConfigKey.required("dst_endpoints", regionToUrl())
            .doc("lakeFS server of every other region, by region. From the environment: region=URL pairs separated by commas.")
            .build();
    public static final ConfigKey<String> LAKEFS_ACCESS_KEY_ID = ConfigKey.required("lakefs.access_key_id", nonEmptyString())
            .envAliases("REPLICATION_SOURCE_LAKEFS_ACCESS_KEY_ID")
            .doc("Access key ID of the replication user; the same key pair must work on every lakeFS installation.")
            .build();
    public static final ConfigKey<Secret> LAKEFS_SECRET_ACCESS_KEY = ConfigKey.required("lakefs.secret_access_key", secret())
            .secret()
            .envAliases("REPLICATION_SOURCE_LAKEFS_SECRET_ACCESS_KEY")
            .doc("Secret access key of the replication user.")
            .build();

    // --- mirrors database and refstore
    public static final ConfigKey<String> MIRRORS_DATABASE_TYPE = ConfigKey.required("mirrors_database.type", oneOf("dynamodb", "postgres"))
            .doc("Backend of the mirrors database (global: every region reads and writes it).")
            .build();
    public static final ConfigKey<String> MIRRORS_DATABASE_DYNAMODB_TABLE_NAME = ConfigKey.optional("mirrors_database.dynamodb.table_name", nonEmptyString())
            .doc("DynamoDB (global) table of the mirrors database; created at startup when absent. Required when the type is dynamodb.")
            .build();
    public static final ConfigKey<Region> MIRRORS_DATABASE_DYNAMODB_AWS_REGION = ConfigKey.optional("mirrors_database.dynamodb.aws_region", region())
            .defaultDescription("same as region")
            .doc("AWS region of the table replica this process uses.")
            .build();
    public static final ConfigKey<URI> MIRRORS_DATABASE_DYNAMODB_ENDPOINT = ConfigKey.optional("mirrors_database.dynamodb.endpoint", httpUrl())
            .doc("DynamoDB endpoint override (local testing); the AWS endpoint of aws_region when empty.")
            .build();
    public static final ConfigKey<Map<Region, URI>> MIRRORS_DATABASE_DYNAMODB_REPLICA_ENDPOINTS = ConfigKey.optional("mirrors_database.dynamodb.replica_endpoints", regionToUrl())
            .defaultValue(Map.of())
            .doc("DynamoDB endpoint override of other regions' table replicas, by region (local testing with a DynamoDB per"
                    + " region); a region not named uses endpoint.")
            .build();
    public static final ConfigKey<Secret> MIRRORS_DATABASE_POSTGRES_CONNECTION_STRING = ConfigKey.optional("mirrors_database.postgres.connection_string", connectionString())
            .secret()
            .doc("PostgreSQL connection string (postgres://user:password@host:5432/db). Required when the type is postgres.")
            .build();
    public static final ConfigKey<Integer> MIRRORS_DATABASE_POSTGRES_MAX_OPEN_CONNECTIONS = ConfigKey.optional("mirrors_database.postgres.max_open_connections", intRange(1, 1000))
            .defaultValue(25)
            .doc("Most connections of this process to the mirrors database (as lakeFS's database.postgres.max_open_connections).")
            .build();
    public static final ConfigKey<Integer> MIRRORS_DATABASE_POSTGRES_MAX_IDLE_CONNECTIONS = ConfigKey.optional("mirrors_database.postgres.max_idle_connections", intRange(0, 1000))
            .defaultValue(25)
            .doc("Connections to the mirrors database kept open while idle, at most max_open_connections (as lakeFS's database.postgres.max_idle_connections).")
            .build();
    public static final ConfigKey<Duration> MIRRORS_DATABASE_POSTGRES_CONNECTION_MAX_LIFETIME = ConfigKey.optional("mirrors_database.postgres.connection_max_lifetime", duration())
            .defaultValue(Duration.ofMinutes(5))
            .doc("Longest life of a connection to the mirrors database, at least 30s (as lakeFS's database.postgres.connection_max_lifetime).")
            .build();
    public static final ConfigKey<String> REFSTORE_DATABASE_TYPE = ConfigKey.optional("refstore_database.type", oneOf("dynamodb", "postgres"))
            .defaultDescription("same as mirrors_database")
            .doc("Backend of the regional refstore (commit records, presence cache). When unset, the refstore uses the mirrors database settings.")
            .build();
    public static final ConfigKey<String> REFSTORE_DATABASE_DYNAMODB_TABLE_NAME = ConfigKey.optional("refstore_database.dynamodb.table_name", nonEmptyString())
            .doc("DynamoDB table of the refstore (regional). Required when refstore_database.type is dynamodb.")
            .build();
    public static final ConfigKey<Region> REFSTORE_DATABASE_DYNAMODB_AWS_REGION = ConfigKey.optional("refstore_database.dynamodb.aws_region", region())
            .defaultDescription("same as region")
            .doc("AWS region of the refstore table.")
            .build();
    public static final ConfigKey<URI> REFSTORE_DATABASE_DYNAMODB_ENDPOINT = ConfigKey.optional("refstore_database.dynamodb.endpoint", httpUrl())
            .doc("DynamoDB endpoint override for the refstore (local testing).")
            .build();
    public static final ConfigKey<Secret> REFSTORE_DATABASE_POSTGRES_CONNECTION_STRING = ConfigKey.optional("refstore_database.postgres.connection_string", connectionString())
            .secret()
            .doc("PostgreSQL connection string of the refstore. Required when refstore_database.type is postgres. When refstore_database is not set and lakeFS's database.type is postgres, the refstore uses database.postgres.*, lakeFS's own database (its tables are lakemirror_*, beside lakeFS's kv).")
            .build();
    public static final ConfigKey<Integer> REFSTORE_DATABASE_POSTGRES_MAX_OPEN_CONNECTIONS = ConfigKey.optional("refstore_database.postgres.max_open_connections", intRange(1, 1000))
            .defaultDescription("as the database the refstore uses")
            .doc("Most connections of this process to the refstore's PostgreSQL (a refstore in the mirrors database shares its pool).")
            .build();
    public static final ConfigKey<Integer> REFSTORE_DATABASE_POSTGRES_MAX_IDLE_CONNECTIONS = ConfigKey.optional("refstore_database.postgres.max_idle_connections", intRange(0, 1000))
            .defaultDescription("as the database the refstore uses")
            .doc("Connections to the refstore's PostgreSQL kept open while idle.")
            .build();
    public static final ConfigKey<Duration> REFSTORE_DATABASE_POSTGRES_CONNECTION_MAX_LIFETIME = ConfigKey.optional("refstore_database.postgres.connection_max_lifetime", duration())
            .defaultDescription("as the database the refstore uses")
            .doc("Longest life of a connection to the refstore's PostgreSQL.")
            .build();

    // --- block storage
    public static final ConfigKey<String> BLOCKSTORE_TYPE = ConfigKey.required("blockstore.type", oneOf("s3"))
            .doc("Block storage of this region's mirror namespaces (only s3).")
            .build();
    public static final ConfigKey<Region> BLOCKSTORE_S3_REGION = ConfigKey.optional("blockstore.s3.region", region())
            .defaultDescription("same as region")
            .doc("AWS region of this region's bucket.")
            .build();
    public static final ConfigKey<URI> BLOCKSTORE_S3_ENDPOINT = ConfigKey.optional("blockstore.s3.endpoint", httpUrl())
            .doc("S3 endpoint override (S3-compatible stores, local testing).")
            .build();
    public static final ConfigKey<Boolean> BLOCKSTORE_S3_FORCE_PATH_STYLE = ConfigKey.optional("blockstore.s3.force_path_style", bool())
            .defaultValue(false)
            .doc("Address buckets by path (http://host/bucket/key) instead of virtual host.")
            .build();

    // --- queue
    public static final ConfigKey<String> QUEUE_TYPE = ConfigKey.optional("queue.type", oneOf("sqs"))
            .defaultValue("sqs")
            .doc("Queue carrying CommitsDetected from source sensors to destination validators (only sqs).")
            .build();
    public static final ConfigKey<URI> QUEUE_SQS_ENDPOINT = ConfigKey.optional("queue.sqs.endpoint", httpUrl())
            .doc("SQS endpoint override (local testing); the AWS endpoint of each queue's region when empty.")
            .build();
    public static final ConfigKey<String> QUEUE_SQS_QUEUE_NAME = ConfigKey.optional("queue.sqs.queue_name", nonEmptyString())
            .defaultValue("lakemirror-commits.fifo")
            .doc("Name of the FIFO commits queue, looked up in every region (overridden per region by queue.sqs.queue_urls).")
            .build();
    public static final ConfigKey<Map<Region, String>> QUEUE_SQS_QUEUE_URLS = ConfigKey.optional("queue.sqs.queue_urls", regionToString())
            .defaultValue(Map.of())
            .doc("Explicit commits-queue URL per region; each region must be this region or one of dst_endpoints.")
            .build();

    // --- API
    public static final ConfigKey<ListenAddress> LISTEN_ADDRESS = ConfigKey.optional("listen_address", listenAddress())
            .defaultValue(new ListenAddress("0.0.0.0", 8008))
            .doc("Address of the REST API (/service/replication/v1), /healthcheck and /metrics.")
            .build();
    public static final ConfigKey<Integer> LIST_MIRRORS_PAGE_SIZE = ConfigKey.optional("list_mirrors_page_size", intRange(1, 1000))
            .defaultValue(1000)
            .doc("Largest page of mirrors the API returns, and the page size of mirrors-database listings.")
            .build();
    public static final ConfigKey<Integer> LIST_REPOSITORIES_PAGE_SIZE = ConfigKey.optional("list_repositories_page_size", intRange(1, 1000))
            .defaultValue(1000)
            .doc("Accepted for compatibility with lakeFS's replication configuration and ignored: lakemirror never lists"
                    + " lakeFS repositories (it reads each source and mirror repository by name).")
            .build();

    // --- health and metrics of every process
    public static final ConfigKey<ListenAddress> HEALTH_LISTEN_ADDRESS = ConfigKey.optional("health.listen_address", listenAddress())
            .defaultValue(new ListenAddress("0.0.0.0", 8009))
            .doc("Address of every process's own /healthcheck (ready: this process's components run and their backends answer),"
                    + " /healthcheck/live (the process serves) and /metrics (Prometheus), whatever components it runs; the API keeps"
                    + " its own on listen_address. Port 0 picks a free port.")
            .build();

    // --- auth
    public static final ConfigKey<Secret> AUTH_ENCRYPT_SECRET_KEY = ConfigKey.required("auth.encrypt.secret_key", secret())
            .secret()
            .doc("lakeFS's auth.encrypt.secret_key (identical in every region): signs the JWT for the external auth service (auth.mode auth_service) and decrypts the secret access keys stored in lakeFS's database (auth.mode kv). Not used with auth.mode lakefs_api.")
            .build();
    public static final ConfigKey<URI> AUTH_API_ENDPOINT = ConfigKey.optional("auth.api.endpoint", httpUrl())
            .doc("lakeFS's external auth service (the authorization.yml contract), with its base path, for example http://auth:8000/api/v1. When set, auth.mode defaults to auth_service; when empty, to kv.")
            .build();
    public static final ConfigKey<Secret> AUTH_API_TOKEN = ConfigKey.optional("auth.api.token", secret())
            .secret()
            .defaultDescription("a JWT signed with auth.encrypt.secret_key")
            .doc("Bearer token for the external auth service, as lakeFS's auth.api.token. When empty the service signs its own token with auth.encrypt.secret_key (HS256; sub _lakefs-internal, aud auth-client), as lakeFS does.")
            .build();
    public static final ConfigKey<String> AUTH_MODE = ConfigKey.optional("auth.mode", oneOf("auth_service", "kv", "lakefs_api"))
            .defaultDescription("auth_service when auth.api.endpoint is set, else kv")
            .doc("Where API callers' keys and policies are read: auth_service (lakeFS's external auth service at auth.api.endpoint), kv (lakeFS's own database, database.*; secrets decrypted with auth.encrypt.secret_key), or lakefs_api (lakeFS's REST API at regional_endpoint; the replication user then needs auth:ReadUser, and auth:ReadGroup with auth:ReadPolicy on simplified lakeFS). See docs/operations.md, Authentication modes.")
            .build();
    public static final ConfigKey<Boolean> AUTH_CACHE_ENABLED = ConfigKey.optional("auth.cache.enabled", bool())
            .defaultValue(false)
            .doc("Cache successful credential and policy checks of API callers.")
            .build();
    public static final ConfigKey<Integer> AUTH_CACHE_SIZE = ConfigKey.optional("auth.cache.size", intRange(1, 10_000_000))
            .defaultValue(1024)
            .doc("Most callers kept in the auth cache.")
            .build();
    public static final ConfigKey<Duration> AUTH_CACHE_TTL = ConfigKey.optional("auth.cache.ttl", duration())
            .defaultValue(Duration.ofSeconds(20))
            .doc("How long a cached auth check stays valid.")
            .build();

    // --- lakeFS's database (auth.mode kv), named as in lakeFS's configuration
    public static final ConfigKey<String> DATABASE_TYPE = ConfigKey.optional("database.type", oneOf("dynamodb", "postgres"))
            .doc("lakeFS's database (its database.type), read for users, credentials, groups and policies when auth.mode is kv. Required then.")
            .build();
    public static final ConfigKey<String> DATABASE_DYNAMODB_TABLE_NAME = ConfigKey.optional("database.dynamodb.table_name", nonEmptyString())
            .defaultValue("kvstore")
            .doc("lakeFS's DynamoDB table (its database.dynamodb.table_name).")
            .build();
    public static final ConfigKey<Region> DATABASE_DYNAMODB_AWS_REGION = ConfigKey.optional("database.dynamodb.aws_region", region())
            .defaultDescription("same as region")
            .doc("AWS region of lakeFS's DynamoDB table.")
            .build();
    public static final ConfigKey<URI> DATABASE_DYNAMODB_ENDPOINT = ConfigKey.optional("database.dynamodb.endpoint", httpUrl())
            .doc("DynamoDB endpoint override of lakeFS's table (local testing).")
            .build();
    public static final ConfigKey<String> DATABASE_DYNAMODB_AWS_PROFILE = ConfigKey.optional("database.dynamodb.aws_profile", nonEmptyString())
            .doc("AWS profile for lakeFS's table; the default credentials chain (or aws.access_key_id) when empty.")
            .build();
    public static final ConfigKey<String> DATABASE_DYNAMODB_AWS_ACCESS_KEY_ID = ConfigKey.optional("database.dynamodb.aws_access_key_id", nonEmptyString())
            .doc("Static AWS access key for lakeFS's table, with database.dynamodb.aws_secret_access_key.")
            .build();
    public static final ConfigKey<Secret> DATABASE_DYNAMODB_AWS_SECRET_ACCESS_KEY = ConfigKey.optional("database.dynamodb.aws_secret_access_key", secret())
            .secret()
            .doc("Static AWS secret key for lakeFS's table.")
            .build();
    public static final ConfigKey<Integer> DATABASE_DYNAMODB_SCAN_LIMIT = ConfigKey.optional("database.dynamodb.scan_limit", intRange(1, 10_000))
            .defaultValue(1024)
            .doc("Most items per query of lakeFS's table.")
            .build();
    public static final ConfigKey<Secret> DATABASE_POSTGRES_CONNECTION_STRING = ConfigKey.optional("database.postgres.connection_string", connectionString())
            .secret()
            .doc("lakeFS's PostgreSQL (its database.postgres.connection_string, postgres://user:password@host:5432/db). The KV table is kv, or the connection string's lakefskv_table parameter, as in lakeFS. Required when database.type is postgres.")
            .build();
    public static final ConfigKey<Integer> DATABASE_POSTGRES_MAX_OPEN_CONNECTIONS = ConfigKey.optional("database.postgres.max_open_connections", intRange(1, 1000))
            .defaultValue(4)
            .doc("Most connections to lakeFS's PostgreSQL (lakeFS's own default is 25; the service reads little).")
            .build();
    public static final ConfigKey<Duration> DATABASE_POSTGRES_CONNECTION_MAX_LIFETIME = ConfigKey.optional("database.postgres.connection_max_lifetime", duration())
            .defaultValue(Duration.ofMinutes(5))
            .doc("Longest life of a connection to lakeFS's PostgreSQL.")
            .build();

    // --- logging
    public static final ConfigKey<String> LOGGING_LEVEL = ConfigKey.optional("logging.level", logLevel())
            .defaultValue("INFO")
            .doc("Least severe level logged (case-insensitive).")
            .build();
    public static final ConfigKey<String> LOGGING_FORMAT = ConfigKey.optional("logging.format", oneOf("text", "json"))
            .defaultValue("text")
            .doc("text: one readable line per event; json: one JSON object per line with time, level, logger, message and fields.")
            .build();

    // --- commit sensor
    public static final ConfigKey<Duration> COMMIT_SENSOR_PROCESS_BRANCHES_DURATION = ConfigKey.optional("commit_sensor.process_branches_duration", duration())
            .defaultValue(Duration.ofSeconds(1))
            .doc("Interval between two scans of the source branches of every mirror. Each scan lists the branches of every mirrored source repository (one lakeFS call per 1,000 branches; an unchanged branch costs nothing more); the scan lease and last_scan_at are written every ten intervals at most (at most every 15s). The default of 1s keeps mirror lag to about a second; with hundreds of mirrored repositories, 5s-10s spares lakeFS (lakeFS's own mirroring scans every 1m).")
            .build();
    public static final ConfigKey<Integer> COMMIT_SENSOR_BRANCHES_SCANNER_CONCURRENCY_LIMIT = ConfigKey.optional("commit_sensor.branches_scanner_concurrency_limit", intRange(1, 1000))
            .defaultValue(10)
            .doc("Most branches scanned at once.")
            .build();
    public static final ConfigKey<Integer> COMMIT_SENSOR_LIST_BRANCH_PAGE_SIZE = ConfigKey.optional("commit_sensor.list_branch_page_size", intRange(1, 1000))
            .defaultValue(1000)
            .doc("Page size of listBranches on the source lakeFS.")
            .build();
    public static final ConfigKey<Integer> COMMIT_SENSOR_LOG_COMMIT_PAGE_SIZE = ConfigKey.optional("commit_sensor.log_commit_page_size", intRange(1, 1000))
            .defaultValue(1000)
            .doc("Page size of logCommits on the source lakeFS.")
            .build();
    public static final ConfigKey<Boolean> COMMIT_SENSOR_INCLUDE_HIDDEN_BRANCHES = ConfigKey.optional("commit_sensor.include_hidden_branches", bool())
            .defaultValue(false)
            .doc("Also mirror hidden branches (lakeFS omits them from listings by default).")
            .build();

    // --- mirrors manager
    public static final ConfigKey<Duration> MIRRORS_MANAGER_PROCESS_MIRRORS_INTERVAL_DURATION = ConfigKey.optional("mirrors_manager.process_mirrors_interval_duration", duration())
            .defaultValue(Duration.ofSeconds(20))
            .doc("Interval of the reconcile pass of the mirrors manager and promoter, which repairs anything the change feed missed.")
            .build();

    // --- validator
    public static final ConfigKey<Duration> VALIDATOR_RUN_INTERVAL = ConfigKey.optional("validator.run_interval", duration())
            .defaultValue(Duration.ofMinutes(1))
            .doc("Interval of the pass that re-checks branch states still waiting for files.")
            .build();
    public static final ConfigKey<Integer> VALIDATOR_NUM_WORKERS = ConfigKey.optional("validator.num_workers", intRange(1, 256))
            .defaultValue(3)
            .doc("Concurrent consumers of this region's commits queue.")
            .build();
    public static final ConfigKey<Duration> VALIDATOR_FIRST_COOLDOWN_ON_MISSING = ConfigKey.optional("validator.first_cooldown_on_missing", duration())
            .defaultValue(Duration.ofMillis(200))
            .doc("First wait before a commit whose files have not all arrived is checked again; it doubles with every check up to validator.cooldown_on_missing. Small, so a file that lands one second late costs about one second (lakeFS's own validator waits its full cooldown).")
            .build();
    public static final ConfigKey<Duration> VALIDATOR_COOLDOWN_ON_MISSING = ConfigKey.optional("validator.cooldown_on_missing", duration())
            .defaultValue(Duration.ofMinutes(1))
            .doc("Longest wait between two checks of a commit whose files have not all arrived (the waits start at validator.first_cooldown_on_missing and double).")
            .build();
    public static final ConfigKey<Duration> VALIDATOR_COOLDOWN_ON_ERROR = ConfigKey.optional("validator.cooldown_on_error", duration())
            .defaultValue(Duration.ofMinutes(1))
            .doc("Longest wait after an error (S3 5xx, throttling, timeout) before the next attempt.")
            .build();
    public static final ConfigKey<Boolean> VALIDATOR_STRICT = ConfigKey.optional("validator.strict", bool())
            .defaultValue(false)
            .doc("Also check that the data objects of every range new to the namespace arrived.")
            .build();

    // --- change feed
    public static final ConfigKey<Duration> CHANGE_FEED_POLL_INTERVAL = ConfigKey.optional("change_feed.poll_interval", duration())
            .defaultValue(Duration.ofMillis(500))
            .doc("Idle time between two reads of the mirrors-database stream (DynamoDB Streams throttles above about 5 reads/s per shard; keep 500ms to 1s in production).")
            .build();

    // --- operator metrics
    public static final ConfigKey<Duration> METRICS_REFRESH_INTERVAL = ConfigKey.optional("metrics.refresh_interval", duration())
            .defaultValue(Duration.ofSeconds(15))
            .doc("Interval at which the API process re-reads every mirror and branch state for the per-mirror gauges of /metrics and the alarm metrics.")
            .build();
    public static final ConfigKey<Boolean> METRICS_CLOUDWATCH_ENABLED = ConfigKey.optional("metrics.cloudwatch.enabled", bool())
            .defaultValue(false)
            .doc("Publish the alarm metrics (" + java.util.Arrays.stream(AlarmMetric.values()).map(AlarmMetric::cloudWatchName)
                    .collect(java.util.stream.Collectors.joining(", ")) + "; no dimensions) to CloudWatch, as the CDK alarms expect.")
            .build();
    public static final ConfigKey<String> METRICS_CLOUDWATCH_NAMESPACE = ConfigKey.optional("metrics.cloudwatch.namespace", nonEmptyString())
            .defaultValue(AlarmMetric.NAMESPACE)
            .doc("CloudWatch namespace of the alarm metrics; the CDK alarms and task roles use " + AlarmMetric.NAMESPACE + ".")
            .build();
    public static final ConfigKey<Duration> METRICS_CLOUDWATCH_STEP = ConfigKey.optional("metrics.cloudwatch.step", duration())
            .defaultValue(Duration.ofMinutes(1))
            .doc("Interval between two CloudWatch publications, between 1s and 1m (the alarms expect a datapoint every minute).")
            .build();
    public static final ConfigKey<URI> METRICS_CLOUDWATCH_ENDPOINT = ConfigKey.optional("metrics.cloudwatch.endpoint", httpUrl())
            .doc("CloudWatch endpoint override (local testing); the AWS endpoint of region when empty.")
            .build();

    // --- API listener: TLS, timeouts, failed authentications, /metrics
    public static final ConfigKey<Boolean> TLS_ENABLED = ConfigKey.optional("tls.enabled", bool())
            .defaultValue(false)
            .doc("Serve the API on listen_address over HTTPS with tls.cert_file and tls.key_file (lakeFS's tls.* keys). The"
                    + " health listener (health.listen_address) stays plain HTTP.")
            .build();
    public static final ConfigKey<String> TLS_CERT_FILE = ConfigKey.optional("tls.cert_file", nonEmptyString())
            .doc("PEM file with the API's certificate, then any intermediate certificates. Required when tls.enabled is true.")
            .build();
    public static final ConfigKey<String> TLS_KEY_FILE = ConfigKey.optional("tls.key_file", nonEmptyString())
            .doc("PEM file with the certificate's unencrypted private key (PKCS#8 BEGIN PRIVATE KEY, or PKCS#1 BEGIN RSA"
                    + " PRIVATE KEY). Required when tls.enabled is true.")
            .build();
    public static final ConfigKey<Duration> API_REQUEST_TIMEOUT = ConfigKey.optional("api.request_timeout", duration())
            .defaultValue(Duration.ofSeconds(30))
            .doc("Longest time the API spends answering one request; past it the caller gets 503 with a correlation ID"
                    + " (work already handed to lakeFS or the database may still complete).")
            .build();
    public static final ConfigKey<Duration> API_IDLE_TIMEOUT = ConfigKey.optional("api.idle_timeout", duration())
            .defaultValue(Duration.ofSeconds(60))
            .doc("An API connection on which nothing is sent or received for this long is closed (idle keep-alive"
                    + " connections and stalled clients alike).")
            .build();
    public static final ConfigKey<Duration> API_AUTH_TIMEOUT = ConfigKey.optional("api.auth_timeout", duration())
            .defaultValue(Duration.ofSeconds(5))
            .doc("Longest wait for lakeFS to check one caller's keys (GET /user, auth.mode lakefs_api), on one pooled HTTP"
                    + " client; not retried: the caller gets 503 and may try again.")
            .build();
    public static final ConfigKey<Integer> API_AUTH_FAILURES_MAX_PER_ADDRESS = ConfigKey.optional("api.auth_failures.max_per_address", intRange(0, 1_000_000))
            .defaultValue(30)
            .doc("Failed authentications allowed from one client address per api.auth_failures.window; beyond, requests"
                    + " from that address get 429 with Retry-After and lakeFS is not asked. 0: no limit.")
            .build();
    public static final ConfigKey<Integer> API_AUTH_FAILURES_MAX_PER_ACCESS_KEY = ConfigKey.optional("api.auth_failures.max_per_access_key", intRange(0, 1_000_000))
            .defaultValue(10)
            .doc("Failed authentications allowed for one access key id per api.auth_failures.window, from any address;"
                    + " beyond, requests with that key get 429 (also with the right secret) until the window ends. 0: no limit.")
            .build();
    public static final ConfigKey<Duration> API_AUTH_FAILURES_WINDOW = ConfigKey.optional("api.auth_failures.window", duration())
            .defaultValue(Duration.ofMinutes(1))
            .doc("Window of the failed-authentication limits; it starts at the first failure of an address or key.")
            .build();
    public static final ConfigKey<Boolean> API_TRUST_FORWARDED_HEADERS = ConfigKey.optional("api.trust_forwarded_headers", bool())
            .defaultValue(false)
            .doc("Take the client address from Forwarded / X-Forwarded-For instead of the connection. Only behind a proxy"
                    + " that overwrites those headers: otherwise a client picks its own address and escapes the per-address limit.")
            .build();
    public static final ConfigKey<String> API_METRICS = ConfigKey.optional("api.metrics", oneOf("open", "authenticated", "off"))
            .defaultValue("open")
            .doc("/metrics on listen_address: open (anyone, as lakeFS serves its own), authenticated (lakeFS keys, as the"
                    + " mirror API), or off (only on health.listen_address, which every process serves without auth).")
            .build();

    // --- keys of lakeFS's replication service that lakemirror accepts so that its configuration loads unchanged
    public static final ConfigKey<String> COMMITTED_METADATA_PREFIX = ConfigKey.optional("committed.metadata_prefix", nonEmptyString())
            .defaultValue("_lakefs/")
            .doc("Prefix of lakeFS's metadata files in a storage namespace (lakeFS's committed.block_storage_prefix)."
                    + " lakemirror reads ranges and metaranges at _lakefs/ only, lakeFS's default: any other value is refused"
                    + " at startup rather than letting the validator look in the wrong place.")
            .build();
    public static final ConfigKey<String> COMMITTED_LOCAL_CACHE_SIZE_BYTES = ConfigKey.optional("committed.local_cache.size_bytes", ConfigType.string())
            .doc(IGNORED + "lakemirror keeps no local file cache: it reads each metarange it validates once from the"
                    + " bucket and only checks that ranges exist (HEAD), so there is nothing to size.")
            .build();
    public static final ConfigKey<String> COMMITTED_LOCAL_CACHE_DIR = ConfigKey.optional("committed.local_cache.dir", ConfigType.string())
            .doc(IGNORED + "no local file cache (see committed.local_cache.size_bytes).")
            .build();
    public static final ConfigKey<String> COMMITTED_LOCAL_CACHE_RANGE_PROPORTION = ConfigKey.optional("committed.local_cache.range_proportion", ConfigType.string())
            .doc(IGNORED + "no local file cache (see committed.local_cache.size_bytes).")
            .build();
    public static final ConfigKey<String> COMMITTED_LOCAL_CACHE_METARANGE_PROPORTION = ConfigKey.optional("committed.local_cache.metarange_proportion", ConfigType.string())
            .doc(IGNORED + "no local file cache (see committed.local_cache.size_bytes).")
            .build();
    public static final ConfigKey<String> VALIDATOR_METARANGE_PRESENCE_CACHE_SIZE = ConfigKey.optional("validator.metarange_presence_cache.size", ConfigType.string())
            .doc(IGNORED + "the validator records the metaranges and ranges it found present in the refstore, shared"
                    + " by every validator of the region, with its own expiry and a fixed in-process cache in front"
                    + " (docs/design/pipeline.md); a missing file is checked again after validator.first_cooldown_on_missing,"
                    + " doubling up to validator.cooldown_on_missing. lakeFS's per-process sizes, expiries and cooldowns have"
                    + " no counterpart.")
            .build();
    public static final ConfigKey<String> VALIDATOR_METARANGE_PRESENCE_CACHE_EXPIRY = ConfigKey.optional("validator.metarange_presence_cache.expiry", ConfigType.string())
            .doc(IGNORED + "see validator.metarange_presence_cache.size.")
            .build();
    public static final ConfigKey<String> VALIDATOR_METARANGE_PRESENCE_CACHE_COOLDOWN = ConfigKey.optional("validator.metarange_presence_cache.cooldown", ConfigType.string())
            .doc(IGNORED + "a missing file is retried after validator.first_cooldown_on_missing, doubling up to"
                    + " validator.cooldown_on_missing.")
            .build();
    public static final ConfigKey<String> VALIDATOR_RANGE_PRESENCE_CACHE_SIZE = ConfigKey.optional("validator.range_presence_cache.size", ConfigType.string())
            .doc(IGNORED + "see validator.metarange_presence_cache.size.")
            .build();
    public static final ConfigKey<String> VALIDATOR_RANGE_PRESENCE_CACHE_EXPIRY = ConfigKey.optional("validator.range_presence_cache.expiry", ConfigType.string())
            .doc(IGNORED + "see validator.metarange_presence_cache.size.")
            .build();
    public static final ConfigKey<String> VALIDATOR_RANGE_PRESENCE_CACHE_COOLDOWN = ConfigKey.optional("validator.range_presence_cache.cooldown", ConfigType.string())
            .doc(IGNORED + "see validator.metarange_presence_cache.cooldown.")
            .build();
    public static final ConfigKey<String> VALIDATOR_OBJECT_PRESENCE_CACHE_SIZE = ConfigKey.optional("validator.object_presence_cache.size", ConfigType.string())
            .doc(IGNORED + "data objects are checked only with validator.strict, for the ranges new to the namespace,"
                    + " and their presence is not cached.")
            .build();
    public static final ConfigKey<String> VALIDATOR_OBJECT_PRESENCE_CACHE_EXPIRY = ConfigKey.optional("validator.object_presence_cache.expiry", ConfigType.string())
            .doc(IGNORED + "no object cache (see validator.object_presence_cache.size).")
            .build();
    public static final ConfigKey<String> VALIDATOR_OBJECT_PRESENCE_CACHE_COOLDOWN = ConfigKey.optional("validator.object_presence_cache.cooldown", ConfigType.string())
            .doc(IGNORED + "no object cache (see validator.object_presence_cache.size).")
            .build();
    public static final ConfigKey<String> VALIDATOR_STORAGE_NAMESPACE_CACHE_SIZE = ConfigKey.optional("validator.storage_namespace_cache.size", ConfigType.string())
            .doc(IGNORED + "a mirror's storage namespace is part of its spec in the mirrors database, so the validator"
                    + " never asks lakeFS for it and has nothing to cache.")
            .build();
    public static final ConfigKey<String> VALIDATOR_STORAGE_NAMESPACE_CACHE_EXPIRY = ConfigKey.optional("validator.storage_namespace_cache.expiry", ConfigType.string())
            .doc(IGNORED + "see validator.storage_namespace_cache.size.")
            .build();
    public static final ConfigKey<String> AUTH_CACHE_JITTER = ConfigKey.optional("auth.cache.jitter", ConfigType.string())
            .doc(IGNORED + "each cached check expires auth.cache.ttl after it was made, so the expiries of different"
                    + " callers are already spread over time and no jitter is added.")
            .build();

    // --- AWS credentials
    public static final ConfigKey<String> AWS_ACCESS_KEY_ID = ConfigKey.optional("aws.access_key_id", nonEmptyString())
            .doc("Static AWS access key for DynamoDB, SQS and S3 (local stacks). When empty, the default AWS credentials chain is used.")
            .build();
    public static final ConfigKey<Secret> AWS_SECRET_ACCESS_KEY = ConfigKey.optional("aws.secret_access_key", secret())
            .secret()
            .doc("Static AWS secret key, with aws.access_key_id.")
            .build();

    /** Every key, in the order of the reference. */
    public static final List<ConfigKey<?>> ALL = List.of(
            REGION, ORGANIZATION_ID, ORGANIZATION_NAME, REGIONAL_ENDPOINT, DST_ENDPOINTS,
            LAKEFS_ACCESS_KEY_ID, LAKEFS_SECRET_ACCESS_KEY,
            MIRRORS_DATABASE_TYPE, MIRRORS_DATABASE_DYNAMODB_TABLE_NAME, MIRRORS_DATABASE_DYNAMODB_AWS_REGION,
            MIRRORS_DATABASE_DYNAMODB_ENDPOINT, MIRRORS_DATABASE_DYNAMODB_REPLICA_ENDPOINTS, MIRRORS_DATABASE_POSTGRES_CONNECTION_STRING,
            MIRRORS_DATABASE_POSTGRES_MAX_OPEN_CONNECTIONS, MIRRORS_DATABASE_POSTGRES_MAX_IDLE_CONNECTIONS,
            MIRRORS_DATABASE_POSTGRES_CONNECTION_MAX_LIFETIME,
            REFSTORE_DATABASE_TYPE, REFSTORE_DATABASE_DYNAMODB_TABLE_NAME, REFSTORE_DATABASE_DYNAMODB_AWS_REGION,
            REFSTORE_DATABASE_DYNAMODB_ENDPOINT, REFSTORE_DATABASE_POSTGRES_CONNECTION_STRING,
            REFSTORE_DATABASE_POSTGRES_MAX_OPEN_CONNECTIONS, REFSTORE_DATABASE_POSTGRES_MAX_IDLE_CONNECTIONS,
            REFSTORE_DATABASE_POSTGRES_CONNECTION_MAX_LIFETIME,
            BLOCKSTORE_TYPE, BLOCKSTORE_S3_REGION, BLOCKSTORE_S3_ENDPOINT, BLOCKSTORE_S3_FORCE_PATH_STYLE,
            QUEUE_TYPE, QUEUE_SQS_ENDPOINT, QUEUE_SQS_QUEUE_NAME, QUEUE_SQS_QUEUE_URLS,
            LISTEN_ADDRESS, LIST_MIRRORS_PAGE_SIZE, LIST_REPOSITORIES_PAGE_SIZE, HEALTH_LISTEN_ADDRESS,
            AUTH_ENCRYPT_SECRET_KEY, AUTH_API_ENDPOINT, AUTH_API_TOKEN, AUTH_MODE, AUTH_CACHE_ENABLED, AUTH_CACHE_SIZE, AUTH_CACHE_TTL,
            DATABASE_TYPE, DATABASE_DYNAMODB_TABLE_NAME, DATABASE_DYNAMODB_AWS_REGION, DATABASE_DYNAMODB_ENDPOINT,
            DATABASE_DYNAMODB_AWS_PROFILE, DATABASE_DYNAMODB_AWS_ACCESS_KEY_ID, DATABASE_DYNAMODB_AWS_SECRET_ACCESS_KEY,
            DATABASE_DYNAMODB_SCAN_LIMIT, DATABASE_POSTGRES_CONNECTION_STRING, DATABASE_POSTGRES_MAX_OPEN_CONNECTIONS,
            DATABASE_POSTGRES_CONNECTION_MAX_LIFETIME,
            LOGGING_LEVEL, LOGGING_FORMAT,
            COMMIT_SENSOR_PROCESS_BRANCHES_DURATION, COMMIT_SENSOR_BRANCHES_SCANNER_CONCURRENCY_LIMIT,
            COMMIT_SENSOR_LIST_BRANCH_PAGE_SIZE, COMMIT_SENSOR_LOG_COMMIT_PAGE_SIZE, COMMIT_SENSOR_INCLUDE_HIDDEN_BRANCHES,
            MIRRORS_MANAGER_PROCESS_MIRRORS_INTERVAL_DURATION,
            VALIDATOR_RUN_INTERVAL, VALIDATOR_NUM_WORKERS, VALIDATOR_FIRST_COOLDOWN_ON_MISSING, VALIDATOR_COOLDOWN_ON_MISSING, VALIDATOR_COOLDOWN_ON_ERROR,
            VALIDATOR_STRICT,
            CHANGE_FEED_POLL_INTERVAL,
            METRICS_REFRESH_INTERVAL, METRICS_CLOUDWATCH_ENABLED, METRICS_CLOUDWATCH_NAMESPACE, METRICS_CLOUDWATCH_STEP,
            METRICS_CLOUDWATCH_ENDPOINT,
            TLS_ENABLED, TLS_CERT_FILE, TLS_KEY_FILE, API_REQUEST_TIMEOUT, API_IDLE_TIMEOUT, API_AUTH_TIMEOUT,
            API_AUTH_FAILURES_MAX_PER_ADDRESS, API_AUTH_FAILURES_MAX_PER_ACCESS_KEY, API_AUTH_FAILURES_WINDOW,
            API_TRUST_FORWARDED_HEADERS, API_METRICS,
            COMMITTED_METADATA_PREFIX, COMMITTED_LOCAL_CACHE_SIZE_BYTES, COMMITTED_LOCAL_CACHE_DIR,
            COMMITTED_LOCAL_CACHE_RANGE_PROPORTION, COMMITTED_LOCAL_CACHE_METARANGE_PROPORTION,
            VALIDATOR_METARANGE_PRESENCE_CACHE_SIZE, VALIDATOR_METARANGE_PRESENCE_CACHE_EXPIRY,
            VALIDATOR_METARANGE_PRESENCE_CACHE_COOLDOWN, VALIDATOR_RANGE_PRESENCE_CACHE_SIZE,
            VALIDATOR_RANGE_PRESENCE_CACHE_EXPIRY, VALIDATOR_RANGE_PRESENCE_CACHE_COOLDOWN,
            VALIDATOR_OBJECT_PRESENCE_CACHE_SIZE, VALIDATOR_OBJECT_PRESENCE_CACHE_EXPIRY,
            VALIDATOR_OBJECT_PRESENCE_CACHE_COOLDOWN, VALIDATOR_STORAGE_NAMESPACE_CACHE_SIZE,
            VALIDATOR_STORAGE_NAMESPACE_CACHE_EXPIRY, AUTH_CACHE_JITTER,
            AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY);
}
