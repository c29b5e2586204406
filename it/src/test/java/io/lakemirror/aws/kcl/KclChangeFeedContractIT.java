package io.lakemirror.aws.kcl;

import io.lakemirror.aws.dynamodb.DynamoDbStores;
import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.store.ChangeFeed;
import io.lakemirror.store.ChangeFeedContract;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.testkit.Dynoxide;
import io.lakemirror.testkit.DynoxideCompat;
import io.lakemirror.testkit.KclLeases;
import io.lakemirror.testkit.LocalAws;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The change-feed contract against the KCL feed on DynamoDB Streams (dynoxide), built by
 * {@link DynamoDbStores} as a process builds it, with the testkit's shims, seeded leases and the test
 * tunings of docs/testing.md. One dynoxide and one mirrors table for the class; each test has its own
 * organization (the feed delivers only its changes) and its own KCL application.
 */
class KclChangeFeedContractIT extends ChangeFeedContract {
    private static final String TABLE = "lakemirror-kcl-contract-it";
    private static final AtomicInteger FIXTURES = new AtomicInteger();
    private static Dynoxide dynoxide;
    private static DynamoDbClient seedingDynamoDb;
    private static DynamoDbStreamsClient seedingStreams;

    @BeforeAll
    static void start() {
        dynoxide = Dynoxide.start();
        seedingDynamoDb = DynoxideCompat.dynamoDb(dynoxide.endpoint(), LocalAws.SIGNING_REGION);
        seedingStreams = DynoxideCompat.streams(dynoxide.endpoint(), LocalAws.SIGNING_REGION);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {seedingStreams, seedingDynamoDb, dynoxide}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // the next one still closes
                }
            }
        }
    }

    private static ReplicationConfig config(String organization) {
        Map<String, Object> values = new HashMap<>(Map.of(
                "region", "us-east-1",
                "organization_id", organization,
                "regional_endpoint", "http://lakefs-us.example.com:8000",
                "dst_endpoints", Map.of("eu-west-1", "http://lakefs-eu.example.com:8000"),
                "lakefs.access_key_id", "AKIAREPLICATION",
                "lakefs.secret_access_key", "lakefs-secret",
                "mirrors_database.type", "dynamodb",
                "mirrors_database.dynamodb.table_name", TABLE,
                "blockstore.type", "s3",
                "auth.encrypt.secret_key", "encrypt-secret"));
        values.put("mirrors_database.dynamodb.endpoint", dynoxide.endpoint().toString());
        values.put("aws.access_key_id", LocalAws.ACCESS_KEY_ID);
        values.put("aws.secret_access_key", LocalAws.SECRET_ACCESS_KEY);
        values.put("change_feed.poll_interval", "50ms");
        return ConfigLoader.fromMap(values);
    }

    @Override
    protected Fixture newFixture() {
        int n = FIXTURES.incrementAndGet();
        DynamoDbStores stores = DynamoDbStores.builder(config("contract-org-" + n))
                .interceptDynamoDb(DynoxideCompat.arnRegionRewrite(LocalAws.SIGNING_REGION))
                .interceptStreams(DynoxideCompat.arnRegionRewrite(LocalAws.SIGNING_REGION))
                .interceptStreams(DynoxideCompat.openShards())
                .changeFeedTuning(production -> new KclChangeFeed.Tuning(production.pollInterval(), Duration.ofSeconds(1),
                        Duration.ofMillis(500), Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ofSeconds(10)))
                .build();
        String application = "lakemirror-kcl-contract-" + n;
        AtomicInteger workers = new AtomicInteger();
        return new Fixture() {
            @Override
            public MirrorsDatabase db() {
                return stores.mirrorsDatabase();
            }

            @Override
            public ChangeFeed newFeed() {
                KclLeases.seed(seedingDynamoDb, seedingStreams, application, stores.streamArn(),
                        KclLeases.InitialPosition.TRIM_HORIZON);
                return stores.changeFeed(application, "worker-" + workers.incrementAndGet());
            }

            @Override
            public void close() {
                stores.close();
            }
        };
    }
}
