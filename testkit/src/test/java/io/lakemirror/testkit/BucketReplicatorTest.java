package io.lakemirror.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The replicator's controls against a real S3-compatible server (S3Mock, one per class). */
class BucketReplicatorTest {
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3Mock s3mock;
    private static S3Client s3;

    private final List<BucketReplicator> replicators = new ArrayList<>();
    private String source;
    private String destination;

    @BeforeAll
    static void startS3() {
        // Generous: these waits end as soon as the condition holds, and CI machines may be busy.
        Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
        s3mock = S3Mock.start();
        s3 = s3mock.client();
    }

    @AfterAll
    static void stopS3() {
        s3mock.close();
        Awaitility.reset();
    }

    @BeforeEach
    void createBuckets() {
        int n = BUCKETS.incrementAndGet();
        source = "source-" + n;
        destination = "destination-" + n;
        s3mock.createBucket(source);
        s3mock.createBucket(destination);
    }

    @AfterEach
    void closeReplicators() {
        replicators.forEach(BucketReplicator::close);
    }

    private BucketReplicator.Builder replicator() {
        return BucketReplicator.builder(s3).source(source).destination(destination)
                .delays(DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(50)))
                .pollInterval(Duration.ofMillis(20)).retryDelay(Duration.ofMillis(20));
    }

    private BucketReplicator started(BucketReplicator.Builder builder) {
        BucketReplicator r = builder.start();
        replicators.add(r);
        return r;
    }

    @Test
    void replicator_shouldCopyNewObjectsWithKeysUnchanged_andSkipObjectsPresentAtStart() {
        put(source, "before/start", "old");
        List<BucketReplicator.Landing> heard = new CopyOnWriteArrayList<>();
        BucketReplicator replicator = started(replicator().listener(heard::add));

        put(source, "repo/_lakefs/abc", "metarange");
        put(source, "repo/data/x/1", "data");

        await("both new objects landed").until(() -> replicator.landings().size() == 2);
        assertThat(exists(destination, "repo/data/x/1")).isTrue();
        assertThat(get(destination, "repo/_lakefs/abc")).isEqualTo("metarange");
        awaitPolls(replicator, 2);
        assertThat(exists(destination, "before/start")).as("object present at start").isFalse();
        assertThat(replicator.landedAt("repo/_lakefs/abc")).isPresent();
        assertThat(replicator.landing("repo/data/x/1")).hasValueSatisfying(l -> {
            assertThat(l.kind()).isEqualTo(BucketReplicator.Kind.COPY);
            assertThat(l.landedAt()).isAfterOrEqualTo(l.detectedAt());
            assertThat(l.attempts()).isEqualTo(1);
        });
        await("listener told about both landings").until(() -> heard.size() == 2);
        assertThat(replicator.landingTimes()).containsOnlyKeys("repo/_lakefs/abc", "repo/data/x/1");
    }

    @Test
    void replicator_shouldOnlyCopyConfiguredPrefixes() {
        BucketReplicator replicator = started(replicator().prefix("repo-a/").prefix("repo-c/"));

        put(source, "repo-a/1", "a");
        put(source, "repo-b/1", "b");
        put(source, "repo-c/1", "c");

        await("keys under the configured prefixes replicated").until(() -> exists(destination, "repo-a/1")
                && exists(destination, "repo-c/1"));
        awaitPolls(replicator, 2);
        assertThat(exists(destination, "repo-b/1")).isFalse();
    }

    @Test
    void pause_shouldHoldEveryChange_untilResume() {
        BucketReplicator replicator = started(replicator());
        replicator.pause();

        put(source, "k1", "1");
        put(source, "k2", "2");
        await("changes detected while paused").until(() -> replicator.pendingCount() == 2);
        awaitPolls(replicator, 2);
        assertThat(keys(destination)).isEmpty();

        replicator.resume();

        await("backlog drained after resume").until(() -> keys(destination).equals(Set.of("k1", "k2")));
        assertThat(replicator.isIdle()).isTrue();
    }

    @Test
    void holdBack_shouldDelayOnlyMatchingKeys_untilReleased() {
        BucketReplicator replicator = started(replicator());
        String held = "repo/_lakefs/" + "b".repeat(64);
        BucketReplicator.Hold hold = replicator.holdBack(".*/_lakefs/b+");

        put(source, "repo/_lakefs/" + "a".repeat(64), "range a");
        put(source, held, "range b");
        put(source, "repo/data/1", "data");

        await("unheld keys replicated").until(() -> keys(destination).size() == 2);
        await("held key parked").until(() -> replicator.heldKeys().equals(Set.of(held)));
        assertThat(exists(destination, held)).isFalse();

        hold.release();

        await("held key replicated after release").until(() -> exists(destination, held));
        assertThat(replicator.heldKeys()).isEmpty();
    }

    @Test
    void replicator_shouldNotPreserveOrder_whenDelaysDiffer() {
        BucketReplicator replicator = started(replicator().seed(7)
                .delays(DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(400))));
        List<String> written = IntStream.range(0, 20).mapToObj(i -> String.format("obj-%02d", i)).toList();

        // Detected while paused, so every copy draws its delay at the same moment however slow the puts are.
        replicator.pause();
        written.forEach(k -> put(source, k, k));
        await("all writes detected").until(() -> replicator.pendingCount() == written.size());
        replicator.resume();

        await("all objects replicated").until(() -> replicator.landings().size() == written.size());
        List<String> landed = replicator.landings().stream().map(BucketReplicator.Landing::key).toList();
        assertThat(landed).containsExactlyInAnyOrderElementsOf(written).isNotEqualTo(written);
    }

    @Test
    void replicator_shouldReplicateDeletes_whenEnabled() {
        BucketReplicator replicator = started(replicator().replicateDeletes(true));
        put(source, "gone", "x");
        await("object replicated").until(() -> exists(destination, "gone"));

        s3.deleteObject(b -> b.bucket(source).key("gone"));

        await("delete landed").until(() -> replicator.landing("gone").map(BucketReplicator.Landing::kind)
                .equals(java.util.Optional.of(BucketReplicator.Kind.DELETE)));
        assertThat(exists(destination, "gone")).isFalse();
    }

    @Test
    void replicator_shouldKeepTheReplica_whenDeletesAreNotReplicated() {
        BucketReplicator replicator = started(replicator().replicateDeletes(false));
        put(source, "kept", "x");
        await("object landed").until(() -> replicator.landing("kept").isPresent());

        s3.deleteObject(b -> b.bucket(source).key("kept"));
        awaitPolls(replicator, 3);

        assertThat(exists(destination, "kept")).isTrue();
        assertThat(replicator.isIdle()).isTrue();
    }

    @Test
    void failNext_shouldRetryUntilTheCopyLands() {
        BucketReplicator replicator = started(replicator());
        replicator.failNext("flaky/.*", 2);

        put(source, "flaky/1", "x");

        await("object landed after retries").until(() -> replicator.landing("flaky/1").isPresent());
        assertThat(exists(destination, "flaky/1")).isTrue();
        assertThat(replicator.injectedFailures()).isEqualTo(2);
        assertThat(replicator.landing("flaky/1")).hasValueSatisfying(l -> assertThat(l.attempts()).isEqualTo(3));
    }

    @Test
    void replicator_shouldLandTheLastWrite_whenAKeyIsOverwritten() {
        BucketReplicator replicator = started(replicator());

        for (int i = 0; i < 5; i++) {
            put(source, "hot", "v" + i);
        }

        await("destination holds the last write").until(() -> exists(destination, "hot")
                && get(destination, "hot").equals("v4") && replicator.isIdle());
    }

    @Test
    void replicatorsInBothDirections_shouldNotCopyReplicasBack_whenSharingALedger() {
        ReplicaLedger ledger = new ReplicaLedger();
        BucketReplicator forward = started(replicator().ledger(ledger));
        BucketReplicator backward = started(BucketReplicator.builder(s3).source(destination).destination(source)
                .pollInterval(Duration.ofMillis(20)).ledger(ledger));

        put(source, "a-only", "from a");
        put(destination, "b-only", "from b");

        await("each side's object landed on the other").until(() -> forward.landing("a-only").isPresent()
                && backward.landing("b-only").isPresent());
        awaitPolls(forward, 3);
        awaitPolls(backward, 3);
        assertThat(forward.landings()).extracting(BucketReplicator.Landing::key).containsExactly("a-only");
        assertThat(backward.landings()).extracting(BucketReplicator.Landing::key).containsExactly("b-only");
    }

    private static void awaitPolls(BucketReplicator replicator, int polls) {
        long start = replicator.polls();
        await("replicator " + replicator.name() + " polled " + polls + " more time(s)")
                .until(() -> replicator.polls() >= start + polls);
    }

    private static void put(String bucket, String key, String content) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content));
    }

    private static String get(String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    }

    private static boolean exists(String bucket, String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static Set<String> keys(String bucket) {
        return Set.copyOf(s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList());
    }
}
