package io.lakemirror.testkit;

import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.Region;
import io.lakemirror.graveler.GravelerReader;
import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.auth.AuthMode;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.policy.Acl;
import io.lakemirror.testserver.ExchangeCheck;
import io.lakemirror.testserver.LakeFsTestServer;
import io.lakemirror.testserver.RealBehaviours;
import io.lakemirror.testserver.auth.DynamoDbKvSink;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * N regions (default two) of the replication service's surroundings on one machine, for
 * integration tests and the local sandbox:
 *
 * <ul>
 *   <li>one S3Mock holding a bucket per region, with a {@link BucketReplicator} between every
 *       ordered pair of regions (whole bucket or the configured prefixes);</li>
 *   <li>one ElasticMQ holding each region's FIFO commits queue and its FIFO dead-letter queue;</li>
 *   <li>one dynoxide process whose tables play the global mirrors table (every region reads and
 *       writes the same table) and each region's refstore table; or, with {@link Builder#globalTable},
 *       a dynoxide per region with its own replica of the mirrors table, kept in step by a
 *       {@link GlobalTableReplicator} (lag, last-writer-wins) as a DynamoDB global table is;</li>
 *   <li>a lakeFS test server per region storing into that region's bucket, each with the same
 *       replication user and keys;</li>
 *   <li>a {@link ReplicationConfig} per region pointing at all of it.</li>
 * </ul>
 *
 * <pre>{@code
 * try (World world = World.builder().regions("us-east-1", "eu-west-1").start()) {
 *     World.Site a = world.site("us-east-1");
 *     ReplicationConfig config = a.config();
 *     world.replicator("us-east-1", "eu-west-1").holdBack(".*_lakefs/" + rangeId);
 * }
 * }</pre>
 *
 * The servers start in parallel; the startup time of each part is logged at INFO and kept in
 * {@link #startupTimes()}. Close is bounded and stops everything the world started.
 */
public final class World implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(World.class);

    /** Replication user created on every lakeFS test server. */
    public static final String REPLICATION_USER = "replication";
    public static final String REPLICATION_ACCESS_KEY_ID = "AKIALAKEMIRRORREPLIC";
    public static final String REPLICATION_SECRET_ACCESS_KEY = "lakemirror-replication-secret-access-key";
    public static final String ENCRYPT_SECRET_KEY = "lakemirror-test-encrypt-secret-key";
    /** The lakeFS admin on every lakeFS test server (the person at the keyboard; never the service). */
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_ACCESS_KEY_ID = "AKIALAKEMIRRORADMIN0";
    public static final String ADMIN_SECRET_ACCESS_KEY = "lakemirror-admin-secret-access-key";
    /** The PostgreSQL database of the mirrors database, in a world built with {@link Builder#postgres}. */
    public static final String MIRRORS_DATABASE = "lakemirror_mirrors";

    private final Builder settings;
    private final List<Site> sites = new ArrayList<>();
    private final Map<String, BucketReplicator> replicators = new LinkedHashMap<>();
    private final Map<String, Duration> startupTimes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final ReplicaLedger ledger = new ReplicaLedger();
    private final List<LakeFsTestServer> lakeFsServers = Collections.synchronizedList(new ArrayList<>());
    private S3Mock s3Mock;
    private ElasticMq elasticMq;
    private Dynoxide dynoxide;
    /** Each region's own dynoxide in a world built with {@link Builder#globalTable} (the first is {@link #dynoxide}). */
    private final Map<Region, Dynoxide> regionalDynoxides = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<AutoCloseable> globalTableClients = new ArrayList<>();
    private final Map<Region, DynamoDbClient> regionalDynamoDb = new LinkedHashMap<>();
    private GlobalTableReplicator globalTable;
    /** The LocalStack container, when the world runs on {@link Backend#LOCALSTACK} (then S3Mock, ElasticMQ and dynoxide are null). */
    private LocalStackBackend localStack;
    private EmbeddedPostgresServer postgres;
    private DynamoDbClient dynamoDb;
    private DynamoDbStreamsClient dynamoDbStreams;
    private Thread shutdownHook;
    private volatile boolean closed;

    private World(Builder settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- startup

    private World start() {
        if (settings.backend == Backend.LOCALSTACK) {
            return startOnLocalStack();
        }
        long started = System.nanoTime();
        Duration cpuBefore = cpuTime();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService starter = Executors.newFixedThreadPool(Math.max(4, settings.regions.size() + 3), r -> {
            Thread t = new Thread(r, "world-start-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        settings.requireFixedPortsFree();
        if (settings.shutdownHook) {
            shutdownHook = new Thread(this::close, "world-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        // Each part starts as soon as what it needs is up: lakeFS and the buckets need S3 only, the
        // queues SQS only; S3Mock and ElasticMQ (seconds of class loading each) run side by side.
        CompletableFuture<S3Mock> s3 = timed("s3mock", () -> S3Mock.start(settings.s3Port, settings.shutdownHook), starter);
        CompletableFuture<ElasticMq> sqs = timed("elasticmq", () -> ElasticMq.start(settings.sqsPort, settings.shutdownHook), starter);
        CompletableFuture<Dynoxide> dynamo = timed("dynoxide", () -> Dynoxide.start(settings.dynoxideBinary == null
                ? DynoxideBinary.resolve() : settings.dynoxideBinary, settings.dynamoDbPort, Duration.ofSeconds(20),
                settings.shutdownHook), starter);
        Map<Region, CompletableFuture<Dynoxide>> regionalDynamo = new LinkedHashMap<>();
        if (settings.globalTableDelays != null) {
            // The first region's replica is the world's dynoxide; every other region gets one of its own.
            for (Region region : settings.regions.subList(1, settings.regions.size())) {
                regionalDynamo.put(region, timed("dynoxide " + region, () -> Dynoxide.start(settings.dynoxideBinary == null
                        ? DynoxideBinary.resolve() : settings.dynoxideBinary, 0, Duration.ofSeconds(20),
                        settings.shutdownHook), starter));
            }
        }
        CompletableFuture<EmbeddedPostgresServer> pg = settings.postgres
                ? timed("postgres", this::startPostgres, starter) : CompletableFuture.completedFuture(null);
        List<CompletableFuture<?>> launched = new ArrayList<>(List.of(s3, sqs, dynamo, pg));
        launched.addAll(regionalDynamo.values());
        Map<Region, CompletableFuture<LakeFsTestServer>> lakeFs = new LinkedHashMap<>();
        if (settings.lakeFs) {
            for (Region region : settings.regions) {
                CompletableFuture<LakeFsTestServer> server = s3.thenApplyAsync(
                        m -> timed("lakefs " + region, () -> startLakeFs(region, m)), starter);
                server.thenAccept(lakeFsServers::add);
                launched.add(server);
                lakeFs.put(region, server);
            }
        }
        CompletableFuture<Void> buckets = s3.thenAcceptAsync(m -> timed("buckets", () -> {
            settings.regions.forEach(r -> m.createBucket(settings.bucket(r)));
            return null;
        }), starter);
        CompletableFuture<Map<Region, ElasticMq.FifoQueue>> queueFutures = sqs.thenApplyAsync(mq -> timed("queues", () -> {
            Map<Region, ElasticMq.FifoQueue> created = new LinkedHashMap<>();
            settings.regions.forEach(r -> created.put(r, mq.createFifoQueue(settings.queueName(r), settings.dlqName(r),
                    settings.maxReceiveCount)));
            return created;
        }), starter);
        launched.add(buckets);
        launched.add(queueFutures);
        try {
            s3Mock = join(s3);
            elasticMq = join(sqs);
            dynoxide = join(dynamo);
            postgres = join(pg);
            dynamoDb = DynoxideCompat.dynamoDb(dynoxide.endpoint(), LocalAws.SIGNING_REGION);
            dynamoDbStreams = DynoxideCompat.streams(dynoxide.endpoint(), LocalAws.SIGNING_REGION);
            if (settings.globalTableDelays != null) {
                regionalDynoxides.put(settings.regions.get(0), dynoxide);
                regionalDynamo.forEach((region, future) -> regionalDynoxides.put(region, join(future)));
                timed("global table", () -> {
                    startGlobalTable();
                    return null;
                });
            }
            join(buckets);
            timed("replicators", () -> {
                startReplicators();
                return null;
            });
            Map<Region, ElasticMq.FifoQueue> queues = join(queueFutures);
            Map<Region, LakeFsTestServer> servers = new LinkedHashMap<>();
            lakeFs.forEach((region, future) -> servers.put(region, join(future)));
            timed("configs", () -> {
                for (Region region : settings.regions) {
                    Map<String, Object> values = configValues(region, servers, queues);
                    sites.add(new Site(region, settings.bucket(region), servers.get(region), queues.get(region),
                            settings.refstoreTable(region), Collections.unmodifiableMap(values), ConfigLoader.fromMap(values)));
                }
                return null;
            });
        } catch (RuntimeException | Error e) {
            LOG.error("World did not start ({}); stopping what did", e.toString());
            // Parts still starting in parallel are waited for, so that close() stops them too.
            CompletableFuture.allOf(launched.toArray(CompletableFuture[]::new))
                    .completeOnTimeout(null, 60, TimeUnit.SECONDS).exceptionally(t -> null).join();
            s3Mock = s3.isDone() && !s3.isCompletedExceptionally() ? s3.join() : s3Mock;
            elasticMq = sqs.isDone() && !sqs.isCompletedExceptionally() ? sqs.join() : elasticMq;
            dynoxide = dynamo.isDone() && !dynamo.isCompletedExceptionally() ? dynamo.join() : dynoxide;
            regionalDynamo.forEach((region, future) -> {
                if (future.isDone() && !future.isCompletedExceptionally()) {
                    regionalDynoxides.putIfAbsent(region, future.join());
                }
            });
            postgres = pg.isDone() && !pg.isCompletedExceptionally() ? pg.join() : postgres;
            close();
            throw e;
        } finally {
            starter.shutdownNow();
        }
        startupTimes.put("total", Duration.ofNanos(System.nanoTime() - started));
        // CPU time next to wall time tells a slow start from a machine busy with other work.
        LOG.info("World of {} region(s) {} started in {} ms, {} ms of JVM CPU ({})", settings.regions.size(),
                settings.regions, startupTimes.get("total").toMillis(), cpuTime().minus(cpuBefore).toMillis(),
                startupTimes.entrySet().stream()
                        .filter(e -> !e.getKey().equals("total"))
                        .map(e -> e.getKey() + " " + e.getValue().toMillis() + " ms")
                        .collect(Collectors.joining(", ")));
        return this;
    }

    /**
     * The same world on LocalStack: one container serves DynamoDB and its streams, SQS and S3; the
     * lakeFS test servers store into LocalStack's buckets and the {@link BucketReplicator}s still copy
     * between them, as S3 replication would.
     */
    private World startOnLocalStack() {
        long started = System.nanoTime();
        if (settings.shutdownHook) {
            shutdownHook = new Thread(this::close, "world-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        try {
            localStack = timed("localstack", LocalStackBackend::start);
            dynamoDb = localStack.dynamoDb();
            dynamoDbStreams = localStack.dynamoDbStreams();
            timed("buckets", () -> {
                settings.regions.forEach(r -> localStack.createBucket(settings.bucket(r)));
                return null;
            });
            Map<Region, ElasticMq.FifoQueue> queues = new LinkedHashMap<>();
            settings.regions.forEach(r -> queues.put(r, localStack.createFifoQueue(settings.queueName(r),
                    settings.dlqName(r), settings.maxReceiveCount)));
            Map<Region, LakeFsTestServer> servers = new LinkedHashMap<>();
            if (settings.lakeFs) {
                for (Region region : settings.regions) {
                    LakeFsTestServer server = timed("lakefs " + region, () -> startLakeFs(region, localStack.endpoint()));
                    lakeFsServers.add(server);
                    servers.put(region, server);
                }
            }
            timed("replicators", () -> {
                startReplicators(localStack.s3());
                return null;
            });
            for (Region region : settings.regions) {
                Map<String, Object> values = configValues(region, servers, queues);
                sites.add(new Site(region, settings.bucket(region), servers.get(region), queues.get(region),
                        settings.refstoreTable(region), Collections.unmodifiableMap(values), ConfigLoader.fromMap(values)));
            }
        } catch (RuntimeException | Error e) {
            LOG.error("World on LocalStack did not start ({}); stopping what did", e.toString());
            close();
            throw e;
        }
        startupTimes.put("total", Duration.ofNanos(System.nanoTime() - started));
        LOG.info("World of {} region(s) {} started on {} in {} ms", settings.regions.size(), settings.regions,
                localStack, startupTimes.get("total").toMillis());
        return this;
    }

    private static Duration cpuTime() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** The embedded PostgreSQL with the mirrors database and each region's refstore database created. */
    private EmbeddedPostgresServer startPostgres() {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(settings.postgresPort);
        try {
            server.createDatabase(MIRRORS_DATABASE);
            settings.regions.forEach(r -> server.createDatabase(refstoreDatabase(r)));
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The PostgreSQL database of {@code region}'s refstore. */
    public static String refstoreDatabase(Region region) {
        return "lakemirror_refstore_" + region.value().replace('-', '_');
    }

    private LakeFsTestServer startLakeFs(Region region, S3Mock s3) {
        return startLakeFs(region, s3.endpoint());
    }

    private LakeFsTestServer startLakeFs(Region region, URI s3Endpoint) {
        LakeFsTestServer.Builder lakeFs = LakeFsTestServer.builder()
                .port(settings.lakeFsPorts.getOrDefault(region, 0))
                .s3Endpoint(s3Endpoint)
                .s3Region(region.value())
                .s3Credentials(LocalAws.ACCESS_KEY_ID, LocalAws.SECRET_ACCESS_KEY)
                .adminUser(settings.adminUser, settings.adminAccessKeyId, settings.adminSecretAccessKey)
                .authFlavour(settings.auth(region).flavour())
                .encryptSecretKey(ENCRYPT_SECRET_KEY)
                .real(settings.lakeFsBehaviours);
        settings.lakeFsExchangeCheck.ifPresent(lakeFs::checkExchanges);
        return lakeFs.start();
    }

    private void startReplicators() {
        startReplicators(s3Mock.client());
    }

    /** The mirrors table replicated between the regions' dynoxides; it appears when each region's service creates it. */
    private void startGlobalTable() {
        GlobalTableReplicator.Builder builder = GlobalTableReplicator.builder(settings.mirrorsTable)
                .delays(settings.globalTableDelays)
                .seed(settings.replicationSeed * 7919);
        for (Region region : settings.regions) {
            URI endpoint = regionalDynoxides.get(region).endpoint();
            DynamoDbClient client = DynoxideCompat.dynamoDb(endpoint, LocalAws.SIGNING_REGION);
            DynamoDbStreamsClient streams = DynoxideCompat.streams(endpoint, LocalAws.SIGNING_REGION);
            globalTableClients.add(client);
            globalTableClients.add(streams);
            regionalDynamoDb.put(region, client);
            builder.region(region.value(), client, streams);
        }
        globalTable = builder.start();
    }

    private void startReplicators(S3Client s3) {
        long seed = settings.replicationSeed;
        for (Region from : settings.regions) {
            for (Region to : settings.regions) {
                if (from.equals(to)) {
                    continue;
                }
                BucketReplicator replicator = BucketReplicator.builder(s3)
                        .name(from + "->" + to)
                        .source(settings.bucket(from))
                        .destination(settings.bucket(to))
                        .prefixes(settings.replicatedPrefixes)
                        .delays(settings.replicationDelays)
                        .seed(seed++)
                        .pollInterval(settings.replicationPollInterval)
                        .replicateDeletes(settings.replicateDeletes)
                        .ledger(ledger)
                        .start();
                replicators.put(from + "->" + to, replicator);
            }
        }
    }

    private Map<String, Object> configValues(Region region, Map<Region, LakeFsTestServer> servers,
                                             Map<Region, ElasticMq.FifoQueue> queues) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("region", region.value());
        v.put("organization_id", settings.organizationId);
        v.put("regional_endpoint", lakeFsEndpoint(region, servers).toString());
        Map<String, String> dst = new LinkedHashMap<>();
        settings.regions.stream().filter(r -> !r.equals(region))
                .forEach(r -> dst.put(r.value(), lakeFsEndpoint(r, servers).toString()));
        v.put("dst_endpoints", dst);
        v.put("lakefs.access_key_id", replicationAccessKeyId());
        v.put("lakefs.secret_access_key", replicationSecretAccessKey());
        v.putAll(authConfig(region, servers.get(region)));
        v.put("mirrors_database.type", "dynamodb");
        v.put("mirrors_database.dynamodb.table_name", settings.mirrorsTable);
        v.put("mirrors_database.dynamodb.endpoint", dynamoDbEndpoint(region).toString());
        if (!regionalDynoxides.isEmpty()) {
            Map<String, String> replicas = new LinkedHashMap<>();
            settings.regions.stream().filter(r -> !r.equals(region))
                    .forEach(r -> replicas.put(r.value(), dynamoDbEndpoint(r).toString()));
            v.put("mirrors_database.dynamodb.replica_endpoints", replicas);
        }
        v.put("refstore_database.type", "dynamodb");
        v.put("refstore_database.dynamodb.table_name", settings.refstoreTable(region));
        v.put("refstore_database.dynamodb.endpoint", dynamoDbEndpoint(region).toString());
        if (postgres != null) {
            // The mirrors database (global: one database every region reaches) and each region's refstore on PostgreSQL.
            for (String key : List.of("mirrors_database.dynamodb.table_name", "mirrors_database.dynamodb.endpoint",
                    "mirrors_database.dynamodb.replica_endpoints",
                    "refstore_database.dynamodb.table_name", "refstore_database.dynamodb.endpoint")) {
                v.remove(key);
            }
            v.put("mirrors_database.type", "postgres");
            v.put("mirrors_database.postgres.connection_string", postgres.connectionString(MIRRORS_DATABASE));
            v.put("mirrors_database.postgres.max_open_connections", 4);
            v.put("mirrors_database.postgres.max_idle_connections", 1);
            v.put("refstore_database.type", "postgres");
            v.put("refstore_database.postgres.connection_string", postgres.connectionString(refstoreDatabase(region)));
            v.put("refstore_database.postgres.max_open_connections", 3);
            v.put("refstore_database.postgres.max_idle_connections", 1);
        }
        v.put("blockstore.type", "s3");
        v.put("blockstore.s3.endpoint", (localStack != null ? localStack.endpoint() : s3Mock.endpoint()).toString());
        v.put("blockstore.s3.force_path_style", true);
        v.put("queue.type", "sqs");
        v.put("queue.sqs.endpoint", (localStack != null ? localStack.endpoint() : elasticMq.endpoint()).toString());
        Map<String, String> urls = new LinkedHashMap<>();
        queues.forEach((r, q) -> urls.put(r.value(), q.url()));
        v.put("queue.sqs.queue_urls", urls);
        v.put("aws.access_key_id", LocalAws.ACCESS_KEY_ID);
        v.put("aws.secret_access_key", LocalAws.SECRET_ACCESS_KEY);
        v.put("auth.encrypt.secret_key", ENCRYPT_SECRET_KEY);
        v.put("listen_address", "127.0.0.1:0");
        v.put("health.listen_address", "127.0.0.1:0");
        v.put("change_feed.poll_interval", "50ms");
        v.put("commit_sensor.process_branches_duration", "500ms");
        v.put("mirrors_manager.process_mirrors_interval_duration", "1s");
        v.put("validator.run_interval", "1s");
        v.put("validator.cooldown_on_missing", "1s");
        v.put("validator.cooldown_on_error", "1s");
        v.putAll(settings.configOverrides);
        v.putAll(settings.regionConfigOverrides.getOrDefault(region, Map.of()));
        // A null override removes the key, so the service's documented default applies.
        v.values().removeIf(Objects::isNull);
        return v;
    }

    private URI dynamoDbEndpoint() {
        return localStack != null ? localStack.endpoint() : dynoxide.endpoint();
    }

    /** Where {@code region}'s service finds its DynamoDB: its own dynoxide in a world with a global table. */
    private URI dynamoDbEndpoint(Region region) {
        Dynoxide own = regionalDynoxides.get(region);
        return own != null ? own.endpoint() : dynamoDbEndpoint();
    }

    private static URI lakeFsEndpoint(Region region, Map<Region, LakeFsTestServer> servers) {
        LakeFsTestServer server = servers.get(region);
        // Without lakeFS the configuration still needs URLs; port 1 refuses every connection.
        return server != null ? server.endpoint() : URI.create("http://127.0.0.1:1");
    }

    private <T> CompletableFuture<T> timed(String part, Supplier<T> task, ExecutorService executor) {
        return CompletableFuture.supplyAsync(() -> timed(part, task), executor);
    }

    private <T> T timed(String part, Supplier<T> task) {
        long t0 = System.nanoTime();
        T result = task.get();
        startupTimes.put(part, Duration.ofNanos(System.nanoTime() - t0));
        return result;
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- accessors

    /** The regions, in the order given to the builder. */
    public List<Region> regions() {
        return List.copyOf(settings.regions);
    }

    /** Everything of one region. */
    public Site site(String region) {
        return site(Region.of(region));
    }

    public Site site(Region region) {
        return sites.stream().filter(s -> s.region.equals(region)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("region " + region + " is not in this world " + settings.regions));
    }

    public List<Site> sites() {
        return List.copyOf(sites);
    }

    /** The configuration of the service in {@code region}. */
    public ReplicationConfig config(String region) {
        return site(region).config();
    }

    /** The replicator copying {@code from}'s bucket into {@code to}'s. */
    public BucketReplicator replicator(String from, String to) {
        BucketReplicator replicator = replicators.get(Region.of(from) + "->" + Region.of(to));
        if (replicator == null) {
            throw new IllegalArgumentException("no replication " + from + " -> " + to + " in this world " + settings.regions);
        }
        return replicator;
    }

    public List<BucketReplicator> replicators() {
        return List.copyOf(replicators.values());
    }

    /** The table playing the global mirrors table (created by the service, not by the world). */
    public String mirrorsTable() {
        return settings.mirrorsTable;
    }

    public String organizationId() {
        return settings.organizationId;
    }

    /** S3 client of the shared S3Mock (path style); owned by the world. */
    public S3Client s3() {
        return localStack != null ? localStack.s3() : s3Mock.client();
    }

    /**
     * The keys of a commit's metadata in {@code region}'s bucket: its metarange and every range the
     * metarange lists, for a repository whose namespace is {@code s3://<bucket>/<prefix>}.
     */
    public List<String> commitMetadataKeys(String region, String prefix, String metaRangeId) {
        String metaRangeKey = prefix + "/_lakefs/" + metaRangeId;
        byte[] bytes = s3().getObjectAsBytes(r -> r.bucket(site(region).bucket()).key(metaRangeKey)).asByteArray();
        List<String> keys = new ArrayList<>();
        keys.add(metaRangeKey);
        GravelerReader.readMetaRange(ByteSource.of(metaRangeKey, bytes))
                .forEachRemaining(range -> keys.add(prefix + "/_lakefs/" + range.id().value()));
        return keys;
    }

    /** SQS client of the shared ElasticMQ; owned by the world. */
    public SqsClient sqs() {
        return localStack != null ? localStack.sqs() : elasticMq.client();
    }

    /** DynamoDB client of dynoxide whose stream ARNs KCL accepts; owned by the world. */
    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    /**
     * DynamoDB client of {@code region}'s dynoxide (its replica of the mirrors table, its refstore and
     * KCL lease tables) in a world built with {@link Builder#globalTable}, else {@link #dynamoDb()}; owned by the world.
     */
    public DynamoDbClient dynamoDb(String region) {
        return regionalDynamoDb.getOrDefault(Region.of(region), dynamoDb);
    }

    /** DynamoDB Streams client with both dynoxide shims, for KCL; owned by the world. */
    public DynamoDbStreamsClient dynamoDbStreams() {
        return dynamoDbStreams;
    }

    public S3Mock s3Mock() {
        return s3Mock;
    }

    public ElasticMq elasticMq() {
        return elasticMq;
    }

    public Dynoxide dynoxide() {
        return dynoxide;
    }

    /** {@code region}'s DynamoDB: its own dynoxide in a world built with {@link Builder#globalTable}, else the shared one. */
    public Dynoxide dynoxide(String region) {
        return regionalDynoxides.getOrDefault(Region.of(region), dynoxide);
    }

    /** The replication of the mirrors table between the regions' dynoxides ({@link Builder#globalTable}). */
    public GlobalTableReplicator globalTable() {
        if (globalTable == null) {
            throw new IllegalStateException("this world shares one dynoxide between its regions: build it with globalTable(...)");
        }
        return globalTable;
    }

    /** Whether the mirrors database and the refstores are on PostgreSQL ({@link Builder#postgres}). */
    public boolean onPostgres() {
        return postgres != null;
    }

    /** The embedded PostgreSQL of a world built with {@link Builder#postgres}; owned by the world. */
    public EmbeddedPostgresServer postgres() {
        if (postgres == null) {
            throw new IllegalStateException("this world keeps its mirrors database on DynamoDB: build it with postgres(true)");
        }
        return postgres;
    }

    /** Replication user's access key pair, valid on every lakeFS test server. */
    public String replicationAccessKeyId() {
        return settings.oss() ? settings.adminAccessKeyId : settings.replicationAccessKeyId;
    }

    public String replicationSecretAccessKey() {
        return settings.oss() ? settings.adminSecretAccessKey : settings.replicationSecretAccessKey;
    }

    /** The replication user's name (on OSS lakeFS, the installation's one user). */
    public String replicationUser() {
        return settings.oss() ? settings.adminUser : settings.replicationUser;
    }

    /** A lakeFS admin on every lakeFS test server (the same key pair everywhere): the person at the keyboard. */
    public String adminAccessKeyId() {
        return settings.adminAccessKeyId;
    }

    public String adminSecretAccessKey() {
        return settings.adminSecretAccessKey;
    }

    /** Where the service of {@code region} reads API callers' keys and policies. */
    public AuthMode authMode(String region) {
        return settings.auth(Region.of(region)).mode();
    }

    /** How {@code region}'s lakeFS authorizes. */
    public AuthFlavour authFlavour(String region) {
        return settings.auth(Region.of(region)).flavour();
    }

    /**
     * The replication user on {@code server} with the replicator policies (on simplified lakeFS, in the Supers
     * group; OSS lakeFS has one user, the admin), and lakeFS's KV written to dynoxide in {@link AuthMode#KV}; then
     * the service's auth keys of the region.
     */
    private Map<String, Object> authConfig(Region region, LakeFsTestServer server) {
        Map<String, Object> v = new LinkedHashMap<>();
        AuthChoice choice = settings.auth(region);
        if (server == null) {
            v.put("auth.mode", AuthMode.LAKEFS_API.wire());
            return v;
        }
        if (choice.flavour() != AuthFlavour.BASIC) {
            server.addUser(settings.replicationUser, settings.replicationAccessKeyId, settings.replicationSecretAccessKey);
            if (choice.flavour() == AuthFlavour.SIMPLIFIED) {
                server.addToAclGroup(settings.replicationUser, Acl.Level.SUPER);
            } else {
                settings.replicationPolicies.forEach(policy -> server.attachPolicy(settings.replicationUser, policy));
            }
        }
        switch (choice.mode()) {
            case AUTH_SERVICE -> v.put("auth.api.endpoint", server.authServiceEndpoint().toString());
            case KV -> {
                if (dynoxide == null) {
                    throw new IllegalStateException("auth mode kv needs dynoxide for lakeFS's KV table");
                }
                server.writeAuthTo(new DynamoDbKvSink(dynoxide.endpoint(), LocalAws.SIGNING_REGION.id(), LocalAws.ACCESS_KEY_ID,
                        LocalAws.SECRET_ACCESS_KEY, settings.lakeFsKvTable(region)));
                v.put("auth.mode", AuthMode.KV.wire());
                v.put("database.type", "dynamodb");
                v.put("database.dynamodb.table_name", settings.lakeFsKvTable(region));
                v.put("database.dynamodb.endpoint", dynoxide.endpoint().toString());
            }
            case LAKEFS_API -> v.put("auth.mode", AuthMode.LAKEFS_API.wire());
            default -> throw new IllegalStateException("unknown auth mode " + choice.mode());
        }
        return v;
    }

    /** How a region's lakeFS authorizes and where its service reads callers from. */
    public record AuthChoice(AuthMode mode, AuthFlavour flavour) {
        public AuthChoice {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(flavour, "flavour");
            if (mode == AuthMode.AUTH_SERVICE && flavour == AuthFlavour.BASIC) {
                throw new IllegalArgumentException("OSS lakeFS (basic auth) has no external auth service: use kv or lakefs_api");
            }
        }
    }

    /** How long each part took to start, and {@code total}. */
    public Map<String, Duration> startupTimes() {
        synchronized (startupTimes) {
            return Map.copyOf(startupTimes);
        }
    }

    // ---------------------------------------------------------------- close

    /** Stops replicators, lakeFS servers, ElasticMQ, S3Mock and dynoxide, each bounded. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long started = System.nanoTime();
        List<AutoCloseable> parts = new ArrayList<>(replicators.values());
        parts.add(globalTable);
        parts.addAll(globalTableClients);
        synchronized (regionalDynoxides) {
            regionalDynoxides.values().stream().filter(d -> d != dynoxide).forEach(parts::add);
        }
        synchronized (lakeFsServers) {
            parts.addAll(lakeFsServers);
        }
        parts.add(dynamoDbStreams);
        parts.add(dynamoDb);
        parts.add(elasticMq);
        parts.add(s3Mock);
        parts.add(dynoxide);
        parts.add(localStack);
        parts.add(postgres);
        List<String> failures = new ArrayList<>();
        for (AutoCloseable part : parts) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                failures.add(part + ": " + e);
            }
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook calls close() again, which returns at once.
            }
        }
        if (failures.isEmpty()) {
            LOG.info("World of {} stopped in {} ms", settings.regions, (System.nanoTime() - started) / 1_000_000);
        } else {
            LOG.warn("World of {} stopped in {} ms; {} part(s) failed to close: {}", settings.regions,
                    (System.nanoTime() - started) / 1_000_000, failures.size(), failures);
        }
    }

    @Override
    public String toString() {
        return "World" + settings.regions + (closed ? "[closed]" : "");
    }

    /**
     * One region of the world.
     *
     * @param lakeFs the region's lakeFS test server; null when the world was built without lakeFS
     * @param configValues the dotted keys {@link #config()} was loaded from (e.g. to write a YAML file)
     */
    public record Site(Region region, String bucket, LakeFsTestServer lakeFs, ElasticMq.FifoQueue commitsQueue,
                       String refstoreTable, Map<String, Object> configValues, ReplicationConfig config) {

        /** lakeFS endpoint without {@code /api/v1}. */
        public URI lakeFsEndpoint() {
            if (lakeFs == null) {
                throw new IllegalStateException("this world was built without lakeFS servers");
            }
            return lakeFs.endpoint();
        }

        /** {@code s3://<bucket>/<path>}: a storage namespace in this region's bucket. */
        public String storageNamespace(String path) {
            return "s3://" + bucket + "/" + path;
        }
    }

    /** Which servers play AWS. */
    public enum Backend {
        /** dynoxide, ElasticMQ and S3Mock, started by the world on this machine (the default). */
        LOCAL,
        /** LocalStack in a container (needs Docker): see {@link LocalStackBackend}. */
        LOCALSTACK;

        /** The system property choosing the backend of worlds whose builder names none: local or localstack. */
        public static final String PROPERTY = "lakemirror.world.backend";

        /** The backend {@value #PROPERTY} names, else {@link #LOCAL}. */
        public static Backend fromSystemProperty() {
            String value = System.getProperty(PROPERTY, "local").trim();
            return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "", "local", "dynoxide" -> LOCAL;
                case "localstack" -> LOCALSTACK;
                default -> throw new IllegalArgumentException(PROPERTY + "=" + value + " is not a world backend:"
                        + " use local (dynoxide, ElasticMQ, S3Mock) or localstack");
            };
        }
    }

    /** The LocalStack backend, or null when the world runs on the local servers. */
    public LocalStackBackend localStack() {
        return localStack;
    }

    /** Which servers play AWS in this world. */
    public Backend backend() {
        return settings.backend;
    }

    /** Configures a {@link World}. */
    public static final class Builder {
        private final List<Region> regions = new ArrayList<>(List.of(Region.of("us-east-1"), Region.of("eu-west-1")));
        private String organizationId = "lakemirror-test";
        private String bucketPrefix = "lakemirror-";
        private String mirrorsTable = "lakemirror-mirrors";
        private String replicationUser = REPLICATION_USER;
        private String adminUser = ADMIN_USER;
        private String adminAccessKeyId = ADMIN_ACCESS_KEY_ID;
        private String adminSecretAccessKey = ADMIN_SECRET_ACCESS_KEY;
        private AuthChoice defaultAuth = new AuthChoice(AuthMode.AUTH_SERVICE, AuthFlavour.RBAC);
        private final Map<Region, AuthChoice> regionAuth = new LinkedHashMap<>();
        private List<Policy> replicationPolicies = List.of(ReplicatorPolicies.broad(), ReplicatorPolicies.tags());
        private String replicationAccessKeyId = REPLICATION_ACCESS_KEY_ID;
        private String replicationSecretAccessKey = REPLICATION_SECRET_ACCESS_KEY;
        private final List<String> replicatedPrefixes = new ArrayList<>();
        private DelayDistribution replicationDelays = DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(200));
        private long replicationSeed = 1;
        private Duration replicationPollInterval = Duration.ofMillis(25);
        private boolean replicateDeletes;
        private int maxReceiveCount = CommitsQueue.DEFAULT_MAX_RECEIVE_COUNT;
        private boolean lakeFs = true;
        private java.nio.file.Path dynoxideBinary;
        private final Map<String, Object> configOverrides = new LinkedHashMap<>();
        private final Map<Region, Map<String, Object>> regionConfigOverrides = new LinkedHashMap<>();
        private final Map<Region, Integer> lakeFsPorts = new LinkedHashMap<>();
        private int s3Port;
        private int sqsPort;
        private int dynamoDbPort;
        private boolean postgres;
        private DelayDistribution globalTableDelays;
        private int postgresPort;
        private boolean shutdownHook = true;
        private RealBehaviours lakeFsBehaviours = RealBehaviours.NONE;
        private Optional<ExchangeCheck> lakeFsExchangeCheck = ExchangeCheck.registered();
        private Backend backend = Backend.fromSystemProperty();

        private Builder() {
        }

        /** The regions (at least one; default us-east-1 and eu-west-1). */
        public Builder regions(String... regions) {
            if (regions.length == 0) {
                throw new IllegalArgumentException("a world needs at least one region");
            }
            List<Region> parsed = new ArrayList<>();
            for (String r : regions) {
                Region region = Region.of(r);
                if (parsed.contains(region)) {
                    throw new IllegalArgumentException("region " + r + " is listed twice");
                }
                parsed.add(region);
            }
            this.regions.clear();
            this.regions.addAll(parsed);
            return this;
        }

        public Builder organizationId(String organizationId) {
            this.organizationId = Objects.requireNonNull(organizationId, "organizationId");
            return this;
        }

        /** Buckets are named {@code <prefix><region>}; default prefix {@code lakemirror-}. */
        public Builder bucketPrefix(String prefix) {
            this.bucketPrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        public Builder mirrorsTable(String table) {
            this.mirrorsTable = Objects.requireNonNull(table, "table");
            return this;
        }

        /** The replication user created on every lakeFS server, with one key pair for all of them. */
        /** The lakeFS admin created on every lakeFS server (default {@value World#ADMIN_USER}), one key pair for all. */
        public Builder adminUser(String userId, String accessKeyId, String secretAccessKey) {
            this.adminUser = Objects.requireNonNull(userId, "userId");
            this.adminAccessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
            this.adminSecretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
            return this;
        }

        /**
         * How every region's lakeFS authorizes and where its service reads API callers (default: lakeFS with RBAC and
         * its external auth service, as lakeFS Enterprise runs). OSS lakeFS ({@link AuthFlavour#BASIC}) has one user, so
         * the service then runs as the admin.
         */
        public Builder auth(AuthMode mode, AuthFlavour flavour) {
            this.defaultAuth = new AuthChoice(mode, flavour);
            return this;
        }

        /** {@link #auth(AuthMode, AuthFlavour)} for one region. */
        public Builder auth(String region, AuthMode mode, AuthFlavour flavour) {
            regionAuth.put(Region.of(region), new AuthChoice(mode, flavour));
            return this;
        }

        /**
         * The replication user's policies on RBAC lakeFS (default: {@link ReplicatorPolicies#broad()}, exactly, and
         * {@link ReplicatorPolicies#tags()}, which mirroring tags needs).
         */
        public Builder replicationPolicies(Policy... policies) {
            this.replicationPolicies = List.of(policies);
            return this;
        }

        AuthChoice auth(Region region) {
            return regionAuth.getOrDefault(region, defaultAuth);
        }

        /** Every region runs OSS lakeFS: the installation's one user is the replication user. */
        boolean oss() {
            boolean anyBasic = regions.stream().anyMatch(r -> auth(r).flavour() == AuthFlavour.BASIC);
            boolean allBasic = regions.stream().allMatch(r -> auth(r).flavour() == AuthFlavour.BASIC);
            if (anyBasic && !allBasic) {
                throw new IllegalArgumentException("OSS lakeFS in some regions only: its one user cannot hold the replication"
                        + " user's keys of the other regions; make every region basic, or none");
            }
            return allBasic;
        }

        String lakeFsKvTable(Region region) {
            return "lakefs-kvstore-" + region.value();
        }

        public Builder replicationUser(String userId, String accessKeyId, String secretAccessKey) {
            this.replicationUser = Objects.requireNonNull(userId, "userId");
            this.replicationAccessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
            this.replicationSecretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
            return this;
        }

        /** Replicate only these key prefixes between buckets (default: whole buckets). */
        public Builder replicatedPrefixes(String... prefixes) {
            this.replicatedPrefixes.addAll(List.of(prefixes));
            return this;
        }

        /** Delay of each bucket copy; default uniform 0..200 ms. */
        public Builder replicationDelays(DelayDistribution delays) {
            this.replicationDelays = Objects.requireNonNull(delays, "delays");
            return this;
        }

        /** Seed of the first replicator's delays (each further replicator gets the next number). */
        public Builder replicationSeed(long seed) {
            this.replicationSeed = seed;
            return this;
        }

        public Builder replicationPollInterval(Duration interval) {
            this.replicationPollInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        public Builder replicateDeletes(boolean replicate) {
            this.replicateDeletes = replicate;
            return this;
        }

        /** Receives before a commits message moves to the dead-letter queue; default 5. */
        public Builder maxReceiveCount(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("maxReceiveCount must be at least 1, got " + count);
            }
            this.maxReceiveCount = count;
            return this;
        }

        /** Leaves out the lakeFS test servers (configurations then point at a closed port). */
        /** Which servers play AWS; default {@link Backend#fromSystemProperty()}. */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        public Builder withoutLakeFs() {
            this.lakeFs = false;
            return this;
        }

        /** The dynoxide binary; default {@link DynoxideBinary#resolve()}. */
        public Builder dynoxideBinary(java.nio.file.Path binary) {
            this.dynoxideBinary = binary;
            return this;
        }

        /**
         * Sets a configuration key (dotted name, as in the YAML file) in every region's
         * configuration, over the world's defaults; a {@code null} value removes the key.
         */
        public Builder config(String key, Object value) {
            this.configOverrides.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        /**
         * Sets a configuration key in the configuration of {@code region} only, over the keys set
         * for every region (e.g. its own {@code listen_address}); a {@code null} value removes the key.
         */
        public Builder config(String region, String key, Object value) {
            regionConfigOverrides.computeIfAbsent(Region.of(region), r -> new LinkedHashMap<>())
                    .put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        /** The port of {@code region}'s lakeFS test server; default 0, a free port. */
        public Builder lakeFsPort(String region, int port) {
            lakeFsPorts.put(Region.of(region), requirePort(port));
            return this;
        }

        /** The plain-HTTP port of S3Mock; default 0, a free port. */
        public Builder s3Port(int port) {
            this.s3Port = requirePort(port);
            return this;
        }

        /** The port of ElasticMQ (SQS); default 0, a free port. */
        public Builder sqsPort(int port) {
            this.sqsPort = requirePort(port);
            return this;
        }

        /**
         * Keeps the mirrors database (with its change log) and each region's refstore on an embedded
         * PostgreSQL instead of dynoxide (which still starts, for anything else that asks for it).
         */
        public Builder postgres(boolean enabled) {
            this.postgres = enabled;
            return this;
        }

        /**
         * Gives every region its own dynoxide with its own replica of the mirrors table (refstore and KCL
         * lease tables stay regional), replicated by a {@link GlobalTableReplicator} whose delays are
         * {@code delays} (seeded from {@link #replicationSeed}): global-table lag and last-writer-wins
         * then happen as on AWS. Each region's service is pointed at its own replica and, through
         * {@code mirrors_database.dynamodb.replica_endpoints}, at the others'. Not with {@link #postgres}.
         */
        public Builder globalTable(DelayDistribution delays) {
            this.globalTableDelays = Objects.requireNonNull(delays, "delays");
            return this;
        }

        /**
         * Behaviours of real lakeFS that every region's lakeFS test server plays (repository and commit caches,
         * nanosecond commit times, lakeFS's branch-deletion order, hooks, several blockstores); default none.
         */
        public Builder lakeFsBehaviours(RealBehaviours behaviours) {
            this.lakeFsBehaviours = Objects.requireNonNull(behaviours, "behaviours");
            return this;
        }

        /**
         * What checks every exchange each region's lakeFS test server serves. Default: the check registered on the
         * classpath (lakefs-testserver's test-jar registers the one against lakeFS's {@code swagger.yml}, so every
         * world of the it/ suite holds each lakeFS exchange to the spec, whichever client makes it), else none.
         */
        public Builder lakeFsExchangeCheck(ExchangeCheck check) {
            this.lakeFsExchangeCheck = Optional.of(check);
            return this;
        }

        /** The port of the embedded PostgreSQL; default 0, a free port. */
        public Builder postgresPort(int port) {
            this.postgresPort = requirePort(port);
            return this;
        }

        /** The port of dynoxide (DynamoDB and DynamoDB Streams); default 0, a free port. */
        public Builder dynamoDbPort(int port) {
            this.dynamoDbPort = requirePort(port);
            return this;
        }

        /**
         * Whether the world and its servers stop from JVM shutdown hooks of their own (default true).
         * An owner that must stop things in order on Ctrl-C (its services before the servers they
         * use) says false and closes the world from its own hook.
         */
        public Builder shutdownHook(boolean enabled) {
            this.shutdownHook = enabled;
            return this;
        }

        private static int requirePort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            return port;
        }

        /** Fails naming every fixed port already taken, before anything starts. */
        void requireFixedPortsFree() {
            Map<Integer, String> wanted = new LinkedHashMap<>();
            if (lakeFs) {
                lakeFsPorts.forEach((region, port) -> {
                    if (regions.contains(region)) {
                        wanted.put(port, "lakeFS of " + region);
                    }
                });
            }
            wanted.put(s3Port, "S3");
            wanted.put(sqsPort, "SQS");
            wanted.put(dynamoDbPort, "DynamoDB");
            if (postgres) {
                wanted.put(postgresPort, "PostgreSQL");
            }
            wanted.remove(0);
            PortInUseException.requireFree(wanted);
        }

        String bucket(Region region) {
            return bucketPrefix + region.value();
        }

        String queueName(Region region) {
            return "lakemirror-commits-" + region.value() + ".fifo";
        }

        String dlqName(Region region) {
            return "lakemirror-commits-" + region.value() + "-dlq.fifo";
        }

        String refstoreTable(Region region) {
            return "lakemirror-refstore-" + region.value();
        }

        /** Starts every part; on failure stops what started and rethrows. */
        public World start() {
            if (globalTableDelays != null && (postgres || backend == Backend.LOCALSTACK)) {
                throw new IllegalStateException("a global table needs a dynoxide per region: not with PostgreSQL or LocalStack");
            }
            return new World(this).start();
        }
    }

}
