package io.lakemirror.sandbox;

import io.lakemirror.aws.AwsClients;
import io.lakemirror.aws.dynamodb.DynamoDbStores;
import io.lakemirror.aws.kcl.KclChangeFeed;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.launcher.Backends;
import io.lakemirror.store.ChangeFeed;
import io.lakemirror.testkit.DynoxideCompat;
import io.lakemirror.testkit.KclLeases;
import io.lakemirror.testkit.LocalAws;
import io.lakemirror.testkit.World;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Runs the replication service's real backends against the world's local servers: the test-only
 * dynoxide shims KCL needs, a change feed tuned to start in seconds, and its lease seeded before it
 * starts. Production wiring takes none of this.
 */
public final class LocalServices {
    /**
     * Change-feed tuning for local runs (docs/testing.md, "Local AWS-compatible servers"): the
     * configured poll, fast lease handover.
     */
    static KclChangeFeed.Tuning fastFeed(Duration pollInterval) {
        return new KclChangeFeed.Tuning(pollInterval, Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(50),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    private LocalServices() {
    }

    /** The DynamoDB-store customization a region of the world needs: both dynoxide shims and the fast feed. */
    public static UnaryOperator<DynamoDbStores.Builder> dynoxideShims(ReplicationConfig config) {
        Region region = AwsClients.awsRegion(config.mirrorsDatabase().dynamoDbRegion());
        return builder -> builder
                .interceptDynamoDb(DynoxideCompat.arnRegionRewrite(region))
                .interceptStreams(DynoxideCompat.arnRegionRewrite(region))
                .interceptStreams(DynoxideCompat.openShards())
                .changeFeedTuning(production -> fastFeed(config.changeFeed().pollInterval()));
    }

    /**
     * Creates the mirrors table through the backends and seeds this region's change-feed lease, so the
     * feed delivers its first record in seconds rather than after KCL's random start-up wait.
     */
    public static Consumer<Backends> seedChangeFeed(World world) {
        return backends -> {
            backends.mirrorsDatabase();
            if (!backends.config().mirrorsDatabase().type().equals("dynamodb")) {
                return; // PostgreSQL's change feed starts in milliseconds and needs no seeded lease
            }
            ReplicationConfig config = backends.config();
            String table = config.mirrorsDatabase().dynamoDbTableName().orElseThrow();
            String streamArn = world.dynamoDb().describeTable(b -> b.tableName(table)).table().latestStreamArn();
            KclLeases.seed(world.dynamoDb(), world.dynamoDbStreams(),
                    ChangeFeed.consumerGroup(table, config.region()), streamArn,
                    KclLeases.InitialPosition.TRIM_HORIZON);
        };
    }

    /**
     * As {@link #seedChangeFeed(World)} for a process that has no world object, only a configuration
     * whose mirrors database is the world's dynoxide (a component started in its own OS process by a
     * test with {@code sandbox run}). Seeding is idempotent: a lease
     * that exists keeps its checkpoint.
     */
    public static Consumer<Backends> seedChangeFeed() {
        return backends -> {
            backends.mirrorsDatabase();
            if (!backends.config().mirrorsDatabase().type().equals("dynamodb")) {
                return;
            }
            ReplicationConfig config = backends.config();
            String table = config.mirrorsDatabase().dynamoDbTableName().orElseThrow();
            java.net.URI endpoint = config.mirrorsDatabase().dynamoDbEndpoint().orElseThrow(() -> new IllegalStateException(
                    "a local stack needs mirrors_database.dynamodb.endpoint (the test world's dynoxide)"));
            try (DynamoDbClient dynamoDb = DynoxideCompat.dynamoDb(endpoint, LocalAws.SIGNING_REGION);
                 DynamoDbStreamsClient streams = DynoxideCompat.streams(endpoint, LocalAws.SIGNING_REGION)) {
                String streamArn = dynamoDb.describeTable(b -> b.tableName(table)).table().latestStreamArn();
                KclLeases.seed(dynamoDb, streams, ChangeFeed.consumerGroup(table, config.region()), streamArn,
                        KclLeases.InitialPosition.TRIM_HORIZON);
            }
        };
    }
}
