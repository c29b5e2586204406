package io.lakemirror.aws.kcl;

import static io.lakemirror.store.StoreFixtures.T0;
import static io.lakemirror.store.StoreFixtures.commit;
import static io.lakemirror.store.StoreFixtures.commitId;
import static io.lakemirror.store.StoreFixtures.promoted;
import static io.lakemirror.store.StoreFixtures.spec;
import static io.lakemirror.store.StoreFixtures.validated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.aws.dynamodb.DynamoDbStores;
import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.ChangeFeed;
import io.lakemirror.store.ChangeFeed.BranchChanged;
import io.lakemirror.store.ChangeFeed.Change;
import io.lakemirror.store.ChangeFeed.MirrorChanged;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.testkit.Dynoxide;
import io.lakemirror.testkit.DynoxideCompat;
import io.lakemirror.testkit.KclLeases;
import io.lakemirror.testkit.LocalAws;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The KCL change feed against dynoxide, built by {@link DynamoDbStores} from a configuration the
 * way a process builds it, with the testkit's two dynoxide shims and lease seeding applied through
 * the factory's hooks. One dynoxide and one mirrors table for the class; each test reads the
 * stream with its own KCL application and its own mirror IDs.
 */
class KclChangeFeedIT {
    private static final Logger LOG = LoggerFactory.getLogger(KclChangeFeedIT.class);
    private static final BranchId MAIN = BranchId.of("main");
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    /**
     * The test tunings of docs/testing.md, "Local AWS-compatible servers": 50 ms polls, 1 s failover,
     * 0.5 s shard sync; plus 1 s worker reports, so a stopped worker stops counting as alive after 2 s
     * and its lease moves on. Production keeps KCL's defaults.
     */
    private static final KclChangeFeed.Tuning FAST = new KclChangeFeed.Tuning(Duration.ofMillis(50), Duration.ofSeconds(1),
            Duration.ofMillis(500), Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(10));

    private static Dynoxide dynoxide;
    private static DynamoDbStores stores;
    private static MirrorsDatabase db;
    private static DynamoDbClient seedingDynamoDb;
    private static DynamoDbStreamsClient seedingStreams;

    @BeforeAll
    static void start() {
        dynoxide = Dynoxide.start();
        Map<String, Object> values = new HashMap<>(Map.of(
                "region", "us-east-1",
                "organization_id", "acme",
                "regional_endpoint", "http://lakefs-us.example.com:8000",
                "dst_endpoints", Map.of("eu-west-1", "http://lakefs-eu.example.com:8000"),
                "lakefs.access_key_id", "AKIAREPLICATION",
                "lakefs.secret_access_key", "lakefs-secret",
                "mirrors_database.type", "dynamodb",
                "mirrors_database.dynamodb.table_name", "lakemirror-kcl-it",
                "blockstore.type", "s3",
                "auth.encrypt.secret_key", "encrypt-secret"));
        values.put("mirrors_database.dynamodb.endpoint", dynoxide.endpoint().toString());
        values.put("aws.access_key_id", LocalAws.ACCESS_KEY_ID);
        values.put("aws.secret_access_key", LocalAws.SECRET_ACCESS_KEY);
        values.put("change_feed.poll_interval", "50ms");
        ReplicationConfig config = ConfigLoader.fromMap(values);
        stores = DynamoDbStores.builder(config)
                .interceptDynamoDb(DynoxideCompat.arnRegionRewrite(LocalAws.SIGNING_REGION))
                .interceptStreams(DynoxideCompat.arnRegionRewrite(LocalAws.SIGNING_REGION))
                .interceptStreams(DynoxideCompat.openShards())
                .changeFeedTuning(production -> new KclChangeFeed.Tuning(production.pollInterval(), FAST.failoverTime(),
                        FAST.shardSyncInterval(), FAST.dispatchPollInterval(), FAST.parentShardPollInterval(),
                        FAST.workerMetricsInterval(), FAST.shutdownTimeout()))
                .build();
        db = stores.mirrorsDatabase();
        seedingDynamoDb = DynoxideCompat.dynamoDb(dynoxide.endpoint(), LocalAws.SIGNING_REGION);
        seedingStreams = DynoxideCompat.streams(dynoxide.endpoint(), LocalAws.SIGNING_REGION);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {seedingStreams, seedingDynamoDb, stores, dynoxide}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("closing {} failed", c, e);
                }
            }
        }
    }

    /** A started feed of a fresh application whose lease is seeded, and what it delivers, with each batch's MDC shard. */
    private static final class Feed implements AutoCloseable {
        final KclChangeFeed feed;
        final List<Change> received = new CopyOnWriteArrayList<>();
        final List<String> shards = new CopyOnWriteArrayList<>();
        final long startedNanos;

        Feed(String application, String worker) {
            KclLeases.seed(seedingDynamoDb, seedingStreams, application, stores.streamArn(), KclLeases.InitialPosition.TRIM_HORIZON);
            feed = stores.changeFeed(application, worker);
            startedNanos = System.nanoTime();
            feed.start(batch -> {
                shards.add(String.valueOf(MDC.get("shard")));
                received.addAll(batch);
            });
        }

        /** The changes of the given mirrors, in delivery order. */
        List<Change> of(Set<MirrorId> mirrors) {
            return received.stream().filter(c -> mirrors.contains(c.mirrorId())).toList();
        }

        void awaitChanges(Set<MirrorId> mirrors, int count, String what) {
            await().alias(what).atMost(DELIVERY).pollInterval(Duration.ofMillis(20))
                    .until(() -> of(mirrors).size() >= count);
        }

        @Override
        public void close() {
            feed.close();
        }
    }

    @Test
    void changeFeed_shouldDeliverMirrorAndBranchChanges_withDecodedNewImages_inWriteOrder() {
        MirrorId m1 = MirrorId.of("feed-m1");
        try (Feed feed = new Feed("lakemirror-kcl-it-changes", "worker-1")) {
            db.createMirror(spec(m1.value(), "feed-mirror-one"));
            feed.awaitChanges(Set.of(m1), 1, "first change delivered");
            long firstMillis = (System.nanoTime() - feed.startedNanos) / 1_000_000;
            LOG.info("First change arrived {} ms after the feed started", firstMillis);

            db.putStatus(new MirrorStatus(m1, MirrorState.ACTIVE, "", T0), Set.of(), true);
            db.acquireSourceLease(m1, "sensor-a", T0.plusSeconds(30), T0);
            db.putSensorBranchState(new SensorBranchState(m1, MAIN, 1, Optional.of(commitId(10)), T0, true, 1), 0);
            db.recordSentCommits(m1, List.of(commitId(10)));
            stores.refstore().putCommits(m1, List.of(commit(10)));
            db.recordValidated(m1, MAIN, validated(1, 10));
            // One lease object: every new lease draws a random version, which the delivered image carries.
            BranchState.PromotionLease lease = new BranchState.PromotionLease(1, "promoter-a", T0.plusSeconds(30));
            db.claimPromotion(m1, MAIN, lease, Optional.empty());
            db.recordPromoted(m1, MAIN, promoted(1, 10), "promoter-a");
            db.deleteMirror(m1);

            BranchState validatedState = new BranchState(m1, MAIN, Optional.of(validated(1, 10)), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
            BranchState claimed = new BranchState(m1, MAIN, Optional.of(validated(1, 10)), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.of(lease), Optional.empty());
            BranchState promotedState = new BranchState(m1, MAIN, Optional.of(validated(1, 10)), Optional.empty(),
                    Optional.empty(), Optional.of(promoted(1, 10)), Optional.empty(), Optional.empty());
            List<Change> expected = List.of(
                    new MirrorChanged(m1),                                  // spec created (the name claim is no change)
                    new MirrorChanged(m1),                                  // status ACTIVE
                    new MirrorChanged(m1),                                  // scan lease (sensor state, sent commits, refstore: none)
                    new BranchChanged(m1, MAIN, Optional.of(validatedState)),
                    new BranchChanged(m1, MAIN, Optional.of(claimed)),
                    new BranchChanged(m1, MAIN, Optional.of(promotedState)),
                    new BranchChanged(m1, MAIN, Optional.empty()),          // deleteMirror: branch state removed
                    new MirrorChanged(m1),                                  // status removed
                    new MirrorChanged(m1),                                  // source status removed
                    new MirrorChanged(m1));                                 // spec removed
            feed.awaitChanges(Set.of(m1), expected.size(), "every change of " + m1 + " delivered");

            assertThat(feed.of(Set.of(m1))).containsExactlyElementsOf(expected);
            assertThat(firstMillis).as("first change after start, ms (lease seeded)").isLessThan(15_000);
            assertThat(feed.shards).allMatch(s -> s.startsWith("shardId-"), "MDC shard set in every callback");
        }
    }

    @Test
    void restartedFeed_shouldResumeFromItsCheckpoint_withoutReplayingAcknowledgedBatches() {
        String application = "lakemirror-kcl-it-restart";
        MirrorId r1 = MirrorId.of("restart-r1");
        MirrorId r2 = MirrorId.of("restart-r2");
        List<Change> beforeRestart;
        try (Feed first = new Feed(application, "worker-1")) {
            db.createMirror(spec(r1.value(), "restart-mirror-one"));
            db.recordValidated(r1, MAIN, validated(1, 10));
            first.awaitChanges(Set.of(r1), 2, "changes before the restart delivered");
            beforeRestart = List.copyOf(first.received);
        }

        db.recordValidated(r1, MAIN, validated(2, 20));
        db.createMirror(spec(r2.value(), "restart-mirror-two"));

        try (Feed second = new Feed(application, "worker-2")) {
            second.awaitChanges(Set.of(r1, r2), 2, "changes written while stopped delivered");

            assertThat(second.received).as("everything the restarted feed delivered")
                    .containsExactly(
                            new BranchChanged(r1, MAIN, Optional.of(new BranchState(r1, MAIN, Optional.of(validated(2, 20)),
                                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))),
                            new MirrorChanged(r2));
            assertThat(beforeRestart).doesNotContainAnyElementsOf(List.of(new MirrorChanged(r2)));
        }
    }
}
