package io.lakemirror.aws.dynamodb;

import io.lakemirror.aws.AwsClients;
import io.lakemirror.aws.kcl.KclChangeFeed;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.Region;
import io.lakemirror.store.ChangeFeed;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.store.Refstore;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClientBuilder;

/**
 * Builds the DynamoDB-backed stores of one process from its configuration: the mirrors database,
 * the refstore (on the mirrors table unless {@code refstore_database} names another) and change
 * feeds, creating the tables when absent. Owns every SDK client it builds; {@link #close()} closes
 * them (close the change feeds first).
 *
 * <p>Local stacks that are not fully wire-compatible get their shims through the builder's hooks
 * ({@link Builder#customizeDynamoDb}, {@link Builder#customizeStreams}, {@link Builder#streamArn}),
 * so production code carries none of them.
 */
public final class DynamoDbStores implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbStores.class);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private final ReplicationConfig config;
    private final Builder builder;
    private final AwsCredentialsProvider credentials;
    private final DynamoDbClients mirrorsClients;
    private final DynamoDbClient refstoreClient;
    private final boolean refstoreClientOwned;
    private final String mirrorsTable;
    private final String refstoreTable;
    private final String streamArn;
    private final DynamoDbMirrorsDatabase mirrorsDatabase;
    private final DynamoDbRefstore refstore;
    private final List<AutoCloseable> feedClients = new ArrayList<>();

    private DynamoDbStores(ReplicationConfig config, Builder builder) {
        this.config = config;
        this.builder = builder;
        ReplicationConfig.DatabaseSettings mirrors = config.mirrorsDatabase();
        ReplicationConfig.DatabaseSettings refs = config.refstoreDatabase();
        this.mirrorsTable = dynamoDbTable("mirrors_database", mirrors);
        // A refstore elsewhere (PostgreSQL, for example lakeFS's own database) is not built here.
        boolean refstoreHere = refs.type().equals("dynamodb");
        this.refstoreTable = refstoreHere ? dynamoDbTable("refstore_database", refs) : mirrorsTable;
        this.credentials = AwsClients.credentials(config);
        Optional<URI> endpoint = mirrors.dynamoDbEndpoint();
        java.util.Map<Region, URI> replicaEndpoints = config.mirrorsReplicaEndpoints();
        // A region's replica at its own endpoint where one is given (a DynamoDB per region in tests), else the override.
        this.mirrorsClients = DynamoDbClients.perRegion(mirrors.dynamoDbRegion(), region -> dynamoDb(region,
                region.equals(mirrors.dynamoDbRegion()) ? endpoint : Optional.ofNullable(replicaEndpoints.get(region)).or(() -> endpoint)));
        boolean sameDatabase = !refstoreHere || refs.dynamoDbRegion().equals(mirrors.dynamoDbRegion())
                && refs.dynamoDbEndpoint().equals(mirrors.dynamoDbEndpoint());
        this.refstoreClientOwned = !sameDatabase;
        this.refstoreClient = sameDatabase ? mirrorsClients.local() : dynamoDb(refs.dynamoDbRegion(), refs.dynamoDbEndpoint());

        try {
            DynamoDbTables.TableInfo mirrorsInfo = DynamoDbTables.ensureTable(mirrorsClients.local(), mirrorsTable, true);
            if (!(sameDatabase && refstoreTable.equals(mirrorsTable))) {
                DynamoDbTables.ensureTable(refstoreClient, refstoreTable, false);
            }
            this.streamArn = builder.streamArn.apply(mirrorsInfo.streamArn().orElseThrow());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.mirrorsDatabase = new DynamoDbMirrorsDatabase(mirrorsClients, mirrorsTable, config.organizationId());
        this.refstore = refstoreHere ? new DynamoDbRefstore(refstoreClient, refstoreTable, config.organizationId()) : null;
        LOG.info("DynamoDB stores ready: mirrors table {} in {}{}, refstore table {} in {}", mirrorsTable,
                mirrors.dynamoDbRegion(), endpoint.map(e -> " at " + e).orElse(""), refstoreTable, refs.dynamoDbRegion());
    }

    /** Starts building the stores of {@code config}; {@link Builder#build()} connects and ensures the tables. */
    public static Builder builder(ReplicationConfig config) {
        return new Builder(config);
    }

    private static String dynamoDbTable(String section, ReplicationConfig.DatabaseSettings settings) {
        if (!settings.type().equals("dynamodb")) {
            throw new InvalidInputException(section + ".type is " + settings.type() + ", not dynamodb: use the store"
                    + " factory of that database");
        }
        return settings.dynamoDbTableName().orElseThrow(() -> new InvalidInputException(section
                + ".dynamodb.table_name is required when " + section + ".type is dynamodb"));
    }

    private DynamoDbClient dynamoDb(Region region, Optional<URI> endpoint) {
        DynamoDbClientBuilder b = DynamoDbClient.builder()
                .region(AwsClients.awsRegion(region))
                .credentialsProvider(credentials)
                .httpClientBuilder(AwsClients.httpClient())
                .overrideConfiguration(overrides(builder.dynamoDbInterceptors));
        endpoint.ifPresent(b::endpointOverride);
        builder.dynamoDb.accept(b);
        return b.build();
    }

    /** The shared call timeouts, with a shorter attempt: no DynamoDB call long-polls. */
    private static ClientOverrideConfiguration overrides(List<ExecutionInterceptor> interceptors) {
        return AwsClients.overrides().toBuilder()
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .executionInterceptors(interceptors)
                .build();
    }

    public MirrorsDatabase mirrorsDatabase() {
        return mirrorsDatabase;
    }

    public Refstore refstore() {
        if (refstore == null) {
            throw new IllegalStateException("refstore_database.type is " + config.refstoreDatabase().type()
                    + ", not dynamodb: its refstore is built by that database's store factory");
        }
        return refstore;
    }

    public String mirrorsTable() {
        return mirrorsTable;
    }

    /** The mirrors table's stream as the change feed reads it (after the builder's {@link Builder#streamArn} rewrite). */
    public String streamArn() {
        return streamArn;
    }

    /** The KCL application (and lease table) name of this region: {@code <table>-changes-<region>}. */
    public String defaultApplicationName() {
        return ChangeFeed.consumerGroup(mirrorsTable, config.region());
    }

    /** {@code <host>-<pid>-<random>}: unique per process, readable in the lease table. */
    public static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A change feed of {@link #defaultApplicationName()} (not started) with this process's worker ID. */
    public KclChangeFeed changeFeed(String workerId) {
        return changeFeed(defaultApplicationName(), workerId);
    }

    /**
     * A change feed (not started). Processes that must each see every change (for example two
     * components in separate processes of one region) need distinct application names.
     */
    public synchronized KclChangeFeed changeFeed(String applicationName, String workerId) {
        ReplicationConfig.DatabaseSettings mirrors = config.mirrorsDatabase();
        software.amazon.awssdk.regions.Region region = AwsClients.awsRegion(mirrors.dynamoDbRegion());
        Optional<URI> endpoint = mirrors.dynamoDbEndpoint();

        DynamoDbStreamsClientBuilder streamsBuilder = DynamoDbStreamsClient.builder().region(region)
                .credentialsProvider(credentials).httpClientBuilder(AwsClients.httpClient())
                .overrideConfiguration(overrides(builder.streamsInterceptors));
        endpoint.ifPresent(streamsBuilder::endpointOverride);
        builder.streams.accept(streamsBuilder);
        DynamoDbStreamsClient streams = streamsBuilder.build();

        DynamoDbAsyncClientBuilder leasesBuilder = DynamoDbAsyncClient.builder().region(region)
                .credentialsProvider(credentials).httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(overrides(builder.dynamoDbInterceptors));
        endpoint.ifPresent(leasesBuilder::endpointOverride);
        builder.leases.accept(leasesBuilder);
        DynamoDbAsyncClient leases = leasesBuilder.build();

        // KCL insists on a CloudWatch client even with metrics off; it is never called.
        var cloudWatchBuilder = CloudWatchAsyncClient.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder());
        endpoint.ifPresent(cloudWatchBuilder::endpointOverride);
        CloudWatchAsyncClient cloudWatch = cloudWatchBuilder.build();
        feedClients.add(streams);
        feedClients.add(leases);
        feedClients.add(cloudWatch);

        return new KclChangeFeed(streams, leases, cloudWatch, new KclChangeFeed.Settings(applicationName, workerId,
                streamArn, region, mirrorsTable, config.organizationId(), builder.tuning.apply(
                        KclChangeFeed.Tuning.production(config.changeFeed().pollInterval()))));
    }

    /** Closes every client; close the change feeds built here first. */
    @Override
    public synchronized void close() {
        for (AutoCloseable c : feedClients) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("Closing a change-feed client failed ({})", e.toString());
            }
        }
        feedClients.clear();
        if (refstoreClientOwned) {
            refstoreClient.close();
        }
        mirrorsClients.close();
    }

    /** Options of {@link DynamoDbStores}; every hook defaults to doing nothing. */
    public static final class Builder {
        private final ReplicationConfig config;
        private Consumer<DynamoDbClientBuilder> dynamoDb = b -> { };
        private Consumer<DynamoDbStreamsClientBuilder> streams = b -> { };
        private Consumer<DynamoDbAsyncClientBuilder> leases = b -> { };
        private final List<ExecutionInterceptor> dynamoDbInterceptors = new ArrayList<>();
        private final List<ExecutionInterceptor> streamsInterceptors = new ArrayList<>();
        private UnaryOperator<String> streamArn = UnaryOperator.identity();
        private UnaryOperator<KclChangeFeed.Tuning> tuning = UnaryOperator.identity();

        private Builder(ReplicationConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Applied last to every DynamoDB client builder (each region's, the refstore's). */
        public Builder customizeDynamoDb(Consumer<DynamoDbClientBuilder> hook) {
            this.dynamoDb = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /** Applied last to the DynamoDB Streams client builder of each change feed. */
        public Builder customizeStreams(Consumer<DynamoDbStreamsClientBuilder> hook) {
            this.streams = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /** Applied last to the DynamoDB client builder of each change feed's KCL leases. */
        public Builder customizeLeases(Consumer<DynamoDbAsyncClientBuilder> hook) {
            this.leases = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /** Adds an interceptor to every DynamoDB client (sync and the leases' async one). */
        public Builder interceptDynamoDb(ExecutionInterceptor interceptor) {
            dynamoDbInterceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /** Adds an interceptor to every DynamoDB Streams client. */
        public Builder interceptStreams(ExecutionInterceptor interceptor) {
            streamsInterceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /** Rewrites the stream ARN that DescribeTable reports before KCL sees it. */
        public Builder streamArn(UnaryOperator<String> rewrite) {
            this.streamArn = Objects.requireNonNull(rewrite, "rewrite");
            return this;
        }

        /** Adjusts the KCL timings derived from the configuration (tests shorten them). */
        public Builder changeFeedTuning(UnaryOperator<KclChangeFeed.Tuning> adjust) {
            this.tuning = Objects.requireNonNull(adjust, "adjust");
            return this;
        }

        /**
         * Builds the clients and ensures the tables.
         *
         * @throws io.lakemirror.domain.ReplicationException when a table cannot be reached, created or used
         */
        public DynamoDbStores build() {
            return new DynamoDbStores(config, this);
        }
    }
}
