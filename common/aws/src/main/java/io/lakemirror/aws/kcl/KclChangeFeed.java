package io.lakemirror.aws.kcl;

import com.amazonaws.services.dynamodbv2.streamsadapter.AmazonDynamoDBStreamsAdapterClient;
import com.amazonaws.services.dynamodbv2.streamsadapter.StreamsSchedulerFactory;
import com.amazonaws.services.dynamodbv2.streamsadapter.polling.DynamoDBStreamsPollingConfig;
import io.lakemirror.aws.dynamodb.StreamChanges;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.store.ChangeFeed;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.leases.LeaseManagementConfig;
import software.amazon.kinesis.metrics.MetricsLevel;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.StreamTracker;

/**
 * The mirrors-database change feed on DynamoDB Streams, consumed with KCL 3.3 through the DynamoDB
 * Streams Kinesis adapter 2.0.1. KCL keeps its leases and checkpoints in the table named by
 * {@link Settings#applicationName()} (created by KCL in the lease client's region); every process
 * of one application shares the stream's shards, and a restarted one resumes after its last
 * checkpoint. A new application starts at the oldest record still in the stream (TRIM_HORIZON), so
 * nothing written before its first lease is missed.
 *
 * <p>The clients are injected and stay the caller's to close; this class closes only its scheduler.
 */
public final class KclChangeFeed implements ChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(KclChangeFeed.class);

    /**
     * KCL timings.
     *
     * @param pollInterval            idle time between two GetRecords on a shard ({@code change_feed.poll_interval});
     *                                DynamoDB Streams throttles more than about 5 reads a second per shard
     * @param failoverTime            how long a lease lives without renewal; lease assignment runs every twice that
     * @param shardSyncInterval       how often the leader syncs shards with leases (also KCL's pause after a sync)
     * @param dispatchPollInterval    how often the scheduler checks its shard consumers
     * @param parentShardPollInterval how often a child shard checks whether its parent is finished
     * @param workerMetricsInterval   how often each worker reports itself alive to the lease assigner; a worker
     *                                that stopped counts as alive for twice this long, and until then its
     *                                expired leases are not handed to a new worker
     * @param shutdownTimeout         how long {@link #close()} waits for the graceful shutdown
     */
    public record Tuning(Duration pollInterval, Duration failoverTime, Duration shardSyncInterval,
                         Duration dispatchPollInterval, Duration parentShardPollInterval,
                         Duration workerMetricsInterval, Duration shutdownTimeout) {
        public Tuning {
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(failoverTime, "failoverTime");
            Objects.requireNonNull(shardSyncInterval, "shardSyncInterval");
            Objects.requireNonNull(dispatchPollInterval, "dispatchPollInterval");
            Objects.requireNonNull(parentShardPollInterval, "parentShardPollInterval");
            Objects.requireNonNull(workerMetricsInterval, "workerMetricsInterval");
            Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        }

        /** The same timings with workers reporting themselves alive once per {@code failoverTime}. */
        public Tuning(Duration pollInterval, Duration failoverTime, Duration shardSyncInterval,
                      Duration dispatchPollInterval, Duration parentShardPollInterval, Duration shutdownTimeout) {
            this(pollInterval, failoverTime, shardSyncInterval, dispatchPollInterval, parentShardPollInterval,
                    failoverTime, shutdownTimeout);
        }

        /** KCL's own defaults, with the configured poll interval (production: 500 ms to 1 s). */
        public static Tuning production(Duration pollInterval) {
            return new Tuning(pollInterval, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(1),
                    Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(20));
        }
    }

    /**
     * What the feed reads and as whom.
     *
     * @param applicationName the KCL application, also the name of its lease table
     * @param workerId        this process among the application's workers
     * @param streamArn       the mirrors table's stream
     * @param region          the region of the stream (the adapter signs with it)
     * @param table           the mirrors table, for messages about its items
     * @param organization    whose changes to deliver; others are skipped
     */
    public record Settings(String applicationName, String workerId, String streamArn, Region region, String table,
                           OrganizationId organization, Tuning tuning) {
        public Settings {
            Objects.requireNonNull(applicationName, "applicationName");
            Objects.requireNonNull(workerId, "workerId");
            Objects.requireNonNull(streamArn, "streamArn");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(organization, "organization");
            Objects.requireNonNull(tuning, "tuning");
        }
    }

    private final DynamoDbStreamsClient streams;
    private final DynamoDbAsyncClient leases;
    private final CloudWatchAsyncClient cloudWatch;
    private final Settings settings;
    private Scheduler scheduler;
    private Thread thread;
    private boolean closed;

    /**
     * @param streams    reads the stream (through the adapter)
     * @param leases     KCL's lease, coordinator-state and worker-metrics tables
     * @param cloudWatch required by KCL; never called, metrics are off
     */
    public KclChangeFeed(DynamoDbStreamsClient streams, DynamoDbAsyncClient leases, CloudWatchAsyncClient cloudWatch,
                         Settings settings) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.leases = Objects.requireNonNull(leases, "leases");
        this.cloudWatch = Objects.requireNonNull(cloudWatch, "cloudWatch");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public synchronized void start(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        if (closed || scheduler != null) {
            throw new IllegalStateException("change feed " + settings.applicationName() + " was started or closed already;"
                    + " create a new one");
        }
        Tuning tuning = settings.tuning();
        StreamChanges changes = new StreamChanges(settings.table(), settings.organization());
        AmazonDynamoDBStreamsAdapterClient adapter = new AmazonDynamoDBStreamsAdapterClient(streams, settings.region());
        StreamTracker tracker = StreamsSchedulerFactory.createSingleStreamTracker(settings.streamArn(),
                InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON));
        ConfigsBuilder configs = new ConfigsBuilder(tracker, settings.applicationName(), adapter, leases, cloudWatch,
                settings.workerId(), () -> new ChangeRecordProcessor(settings.applicationName(), changes, listener));
        // The adapter's own polling config: KCL's PollingConfig would impose a 200 ms floor.
        DynamoDBStreamsPollingConfig polling = new DynamoDBStreamsPollingConfig(adapter);
        polling.idleTimeBetweenReadsInMillis(tuning.pollInterval().toMillis());
        LeaseManagementConfig leasing = configs.leaseManagementConfig()
                .failoverTimeMillis(tuning.failoverTime().toMillis())
                .shardSyncIntervalMillis(tuning.shardSyncInterval().toMillis());
        // Mutated in place: ConfigsBuilder put the worker-metrics table name into this object.
        leasing.workerUtilizationAwareAssignmentConfig()
                .workerMetricsReporterFreqInMillis(tuning.workerMetricsInterval().toMillis());
        scheduler = StreamsSchedulerFactory.createScheduler(
                configs.checkpointConfig(),
                configs.coordinatorConfig()
                        .shardConsumerDispatchPollIntervalMillis(tuning.dispatchPollInterval().toMillis())
                        .parentShardPollIntervalMillis(tuning.parentShardPollInterval().toMillis()),
                leasing,
                configs.lifecycleConfig(),
                configs.metricsConfig().metricsLevel(MetricsLevel.NONE).metricsFactory(new NullMetricsFactory()),
                configs.processorConfig(),
                configs.retrievalConfig().retrievalSpecificConfig(polling),
                adapter);
        thread = new Thread(scheduler, "change-feed-" + settings.applicationName());
        thread.start();
        LOG.info("Change feed {} started as worker {} on {} (poll every {} ms)", settings.applicationName(),
                settings.workerId(), settings.streamArn(), tuning.pollInterval().toMillis());
    }

    /** Shuts KCL down gracefully (checkpointing), within {@link Tuning#shutdownTimeout()}; then stops it hard. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (scheduler == null) {
            return;
        }
        long started = System.nanoTime();
        long timeoutMillis = settings.tuning().shutdownTimeout().toMillis();
        try {
            boolean graceful = scheduler.startGracefulShutdown().get(timeoutMillis, TimeUnit.MILLISECONDS);
            if (!graceful) {
                LOG.warn("Change feed {} did not shut down gracefully; stopping it", settings.applicationName());
                scheduler.shutdown();
            }
        } catch (TimeoutException e) {
            LOG.warn("Change feed {} did not shut down within {} ms; stopping it without a final checkpoint (a restart"
                    + " replays its last batch)", settings.applicationName(), timeoutMillis);
            scheduler.shutdown();
        } catch (ExecutionException e) {
            LOG.warn("Change feed {} failed to shut down gracefully ({}); stopping it", settings.applicationName(),
                    e.getCause() == null ? e.getMessage() : e.getCause().toString());
            scheduler.shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scheduler.shutdown();
        }
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Change feed {}: scheduler thread still running {} ms after shutdown", settings.applicationName(),
                    timeoutMillis);
        }
        LOG.info("Change feed {} (worker {}) stopped in {} ms", settings.applicationName(), settings.workerId(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
}
