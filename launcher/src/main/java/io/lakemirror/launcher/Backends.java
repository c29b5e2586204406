package io.lakemirror.launcher;

import io.lakemirror.auth.CallerDirectory;
import io.lakemirror.auth.LakeFsKv;
import io.lakemirror.aws.dynamodb.DynamoDbLakeFsKv;
import io.lakemirror.aws.dynamodb.DynamoDbStores;
import io.lakemirror.postgres.PostgresStores;
import io.lakemirror.config.Secret;
import io.lakemirror.lakefs.auth.kv.KvCallerDirectory;
import io.lakemirror.lakefs.auth.service.AuthServiceDirectory;
import io.lakemirror.lakefs.auth.service.AuthServiceToken;
import io.lakemirror.lakefs.sdk.LakeFsApiCallerDirectory;
import io.lakemirror.postgres.PostgresLakeFsKv;
import java.time.Clock;
import io.lakemirror.aws.s3.S3BlockStore;
import io.lakemirror.aws.sqs.SqsCommitsQueue;
import io.lakemirror.blockstore.BlockStore;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.Region;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.LakeFsFactory;
import io.lakemirror.lakefs.sdk.SdkLakeFsFactory;
import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.store.ChangeFeed;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.store.Refstore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outside systems of one process, built from its configuration on first use and shared by every
 * component it runs: the mirrors database and refstore (DynamoDB), change feeds (KCL), the commits
 * queues (SQS), the block store (S3) and lakeFS clients. Closing it closes everything it built, in
 * reverse order.
 *
 * <p>Local stacks that need test-only shims pass them as a customization of the DynamoDB stores, so
 * production wiring carries none of them.
 */
public final class Backends implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private static final java.time.Duration AUTH_SERVICE_TIMEOUT = java.time.Duration.ofSeconds(5);

    private final ReplicationConfig config;
    private final UnaryOperator<DynamoDbStores.Builder> storesCustomizer;
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    private DynamoDbStores stores;
    private PostgresStores postgres;
    private SqsCommitsQueue queue;
    private S3BlockStore blockStore;
    private S3BlockStore anyRegionBlockStore;
    private SdkLakeFsFactory lakeFs;
    private CallerDirectory callers;
    private boolean consumerChecked;
    private boolean closed;

    private Backends(ReplicationConfig config, UnaryOperator<DynamoDbStores.Builder> storesCustomizer) {
        this.config = Objects.requireNonNull(config, "config");
        this.storesCustomizer = Objects.requireNonNull(storesCustomizer, "storesCustomizer");
    }

    /** The production backends of {@code config}. */
    public static Backends of(ReplicationConfig config) {
        return new Backends(config, UnaryOperator.identity());
    }

    /** Backends whose DynamoDB stores are adjusted by {@code storesCustomizer} (local stacks). */
    public static Backends of(ReplicationConfig config, UnaryOperator<DynamoDbStores.Builder> storesCustomizer) {
        return new Backends(config, storesCustomizer);
    }

    public ReplicationConfig config() {
        return config;
    }

    private synchronized DynamoDbStores stores() {
        checkOpen();
        if (stores == null) {
            stores = own(storesCustomizer.apply(DynamoDbStores.builder(config)).build());
        }
        return stores;
    }

    /** The PostgreSQL stores (mirrors database, refstore, change feeds) of a configuration that names PostgreSQL. */
    private synchronized PostgresStores postgres() {
        checkOpen();
        if (postgres == null) {
            postgres = own(PostgresStores.open(config));
        }
        return postgres;
    }

    private boolean mirrorsOnPostgres() {
        return config.mirrorsDatabase().type().equals("postgres");
    }

    public MirrorsDatabase mirrorsDatabase() {
        return mirrorsOnPostgres() ? postgres().mirrorsDatabase() : stores().mirrorsDatabase();
    }

    public Refstore refstore() {
        if (config.refstoreDatabase().type().equals("postgres")) {
            return postgres().refstore();
        }
        if (mirrorsOnPostgres()) {
            throw new InvalidInputException("refstore_database.type dynamodb beside mirrors_database.type postgres is not"
                    + " supported: put the refstore on PostgreSQL too (refstore_database.type postgres, or leave it unset)");
        }
        return stores().refstore();
    }

    /** A new (not started) change feed of the mirrors database for this region's promoter. */
    public ChangeFeed changeFeed() {
        if (mirrorsOnPostgres()) {
            return postgres().changeFeed(PostgresStores.defaultWorkerId());
        }
        DynamoDbStores s = stores();
        return s.changeFeed(DynamoDbStores.defaultWorkerId());
    }

    public synchronized CommitsQueue commitsQueue() {
        checkOpen();
        if (queue == null) {
            queue = own(SqsCommitsQueue.create(config));
        }
        return queue;
    }

    /**
     * This region's commits queue for consuming: checked once to have a dead-letter queue, since a
     * consumer without one would retry a poison message for ever.
     */
    public synchronized CommitsQueue consumerQueue() {
        commitsQueue();
        if (!consumerChecked) {
            queue.verifyConsumerSetup();
            consumerChecked = true;
        }
        return queue;
    }

    public synchronized BlockStore blockStore() {
        checkOpen();
        if (blockStore == null) {
            blockStore = own(S3BlockStore.create(config));
        }
        return blockStore;
    }

    /**
     * A block store that reads the buckets of every region, not only this region's: integrity audits read a
     * mirror's bucket in its destination region from either region's process.
     */
    public synchronized BlockStore anyRegionBlockStore() {
        checkOpen();
        if (anyRegionBlockStore == null) {
            anyRegionBlockStore = own(S3BlockStore.createAnyRegion(config));
        }
        return anyRegionBlockStore;
    }

    /** lakeFS clients with the replication user's credentials. */
    public synchronized LakeFsFactory lakeFsClients() {
        checkOpen();
        if (lakeFs == null) {
            lakeFs = own(new SdkLakeFsFactory(config.lakeFsCredentials().accessKeyId(),
                    config.lakeFsCredentials().secretAccessKey()));
        }
        return lakeFs;
    }

    /**
     * Who API callers are and what lakeFS lets them do, read where {@code auth.mode} says (docs/operations.md,
     * "Authentication modes"): lakeFS's external auth service, lakeFS's own database, or lakeFS's REST API.
     */
    public synchronized CallerDirectory callerDirectory() {
        checkOpen();
        if (callers == null) {
            callers = own(switch (config.authMode()) {
                case AUTH_SERVICE -> new AuthServiceDirectory(config.auth().apiEndpoint().orElseThrow(() ->
                        new InvalidInputException("auth.mode auth_service needs auth.api.endpoint")),
                        config.authApiToken().orElseGet(() -> new Secret(AuthServiceToken.sign(
                                config.auth().encryptSecretKey(), Clock.systemUTC()))), AUTH_SERVICE_TIMEOUT);
                case KV -> new KvCallerDirectory(lakeFsKv(), config.auth().encryptSecretKey(), Clock.systemUTC());
                case LAKEFS_API -> new LakeFsApiCallerDirectory(config.regionalEndpoint(), localLakeFs(),
                        config.lakeFsCredentials().accessKeyId(), config.lakeFsCredentials().secretAccessKey(),
                        config.values().require(io.lakemirror.config.ConfigKeys.API_AUTH_TIMEOUT));
            });
            LOG.info("API callers of region {} are checked in {}", config.region(), callers.describe());
        }
        return callers;
    }

    private LakeFsKv lakeFsKv() {
        String type = config.lakeFsDatabase().type().orElseThrow(() -> new InvalidInputException("auth.mode is kv"
                + " (auth.api.endpoint is empty), so the API reads lakeFS's users from lakeFS's database: set database.type"
                + " (dynamodb or postgres) and its settings as in lakeFS's configuration, or set auth.api.endpoint"));
        return type.equals("postgres") ? PostgresLakeFsKv.create(config) : DynamoDbLakeFsKv.create(config);
    }

    /** The lakeFS of this region ({@code regional_endpoint}). */
    public LakeFs localLakeFs() {
        return lakeFsClients().forEndpoint(config.regionalEndpoint());
    }

    /** The lakeFS of any configured region. */
    public LakeFs lakeFs(Region region) {
        return lakeFsClients().forEndpoint(config.lakeFsEndpoint(region).orElseThrow(() -> new InvalidInputException(
                "region " + region + " has no lakeFS endpoint: add it to dst_endpoints")));
    }

    private <T extends AutoCloseable> T own(T resource) {
        owned.push(resource);
        return resource;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("backends of region " + config.region() + " are closed");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        while (!owned.isEmpty()) {
            AutoCloseable resource = owned.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}; closing the rest", resource.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
