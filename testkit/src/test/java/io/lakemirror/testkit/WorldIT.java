package io.lakemirror.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** A two-region world: startup time, configuration, and a lakeFS commit replicated between buckets. */
class WorldIT {
    private static final Logger LOG = LoggerFactory.getLogger(WorldIT.class);
    private static final String A = "us-east-1";
    private static final String B = "eu-west-1";

    private static final ProcessHygiene.Snapshot PROCESSES = ProcessHygiene.snapshot();
    private static World world;

    @BeforeAll
    static void startWorld() {
        world = World.builder().regions(A, B).start();
    }

    @AfterAll
    static void stopWorld() {
        if (world != null) {
            world.close();
        }
        PROCESSES.assertNoNewProcesses(Duration.ofSeconds(5));
    }

    @Test
    void start_shouldBringUpTwoRegions_andTimeEveryPart() {
        Map<String, Duration> times = world.startupTimes();
        // A report, not a bound: about 10 s on the project's idle 2-core machine, and CI asserts no timing.
        LOG.info("World startup breakdown: {}", times);

        assertThat(times).containsKey("total");
        assertThat(times).containsKeys("s3mock", "elasticmq", "dynoxide", "lakefs " + A, "lakefs " + B, "replicators");
        assertThat(world.replicators()).extracting(BucketReplicator::name).containsExactly(A + "->" + B, B + "->" + A);
    }

    @Test
    void configs_shouldPointEachRegionAtEverything() {
        ReplicationConfig a = world.config(A);
        World.Site siteA = world.site(A);
        World.Site siteB = world.site(B);

        assertThat(a.region()).isEqualTo(Region.of(A));
        assertThat(a.regionalEndpoint()).isEqualTo(siteA.lakeFsEndpoint());
        assertThat(a.dstEndpoints()).containsExactly(Map.entry(Region.of(B), siteB.lakeFsEndpoint()));
        assertThat(a.lakeFsCredentials().accessKeyId()).isEqualTo(world.replicationAccessKeyId());
        assertThat(a.mirrorsDatabase().dynamoDbTableName()).hasValue(world.mirrorsTable());
        assertThat(a.mirrorsDatabase().dynamoDbEndpoint()).hasValue(world.dynoxide().endpoint());
        assertThat(a.refstoreDatabase().dynamoDbTableName()).hasValue(siteA.refstoreTable());
        assertThat(a.blockstore().s3Endpoint()).hasValue(world.s3Mock().endpoint());
        assertThat(a.blockstore().forcePathStyle()).isTrue();
        assertThat(a.queue().sqsEndpoint()).hasValue(world.elasticMq().endpoint());
        assertThat(a.queue().queueUrls()).containsEntry(Region.of(A), siteA.commitsQueue().url())
                .containsEntry(Region.of(B), siteB.commitsQueue().url());
        assertThat(a.changeFeed().pollInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(world.config(B).organizationId()).isEqualTo(a.organizationId());

        String redrive = world.sqs().getQueueAttributes(r -> r.queueUrl(siteB.commitsQueue().url())
                .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes().get(QueueAttributeName.REDRIVE_POLICY);
        assertThat(redrive).contains(siteB.commitsQueue().dlqArn());
        assertThat(world.s3().headBucket(r -> r.bucket(siteB.bucket())).sdkHttpResponse().isSuccessful()).isTrue();
    }

    @Test
    void commitInRegionA_shouldArriveInBucketB_andWaitForAHeldBackRange() {
        World.Site a = world.site(A);
        World.Site b = world.site(B);
        BucketReplicator aToB = world.replicator(A, B);
        LakeFsUser lakeFs = new LakeFsUser(a.lakeFsEndpoint(), world.replicationAccessKeyId(),
                world.replicationSecretAccessKey());
        String repo = "sales";
        lakeFs.createRepository(RepositoryId.of(repo), a.storageNamespace(repo));

        // Paused so the range can be held back before any of the commit's files travel.
        aToB.pause();
        for (int i = 0; i < 3; i++) {
            lakeFs.upload(RepositoryId.of(repo), BranchId.of("main"), "tables/orders/part-" + i + ".csv",
                    ("id,amount\n" + i + ",10\n").getBytes(StandardCharsets.UTF_8));
        }
        LakeFsUser.Commit commit = lakeFs.commit(RepositoryId.of(repo), BranchId.of("main"), "three parts");
        String metaRangeKey = repo + "/_lakefs/" + commit.metaRangeId();

        Set<String> written = keys(a.bucket(), repo + "/");
        Set<String> metadata = written.stream().filter(k -> k.startsWith(repo + "/_lakefs/")).collect(Collectors.toSet());
        TreeSet<String> ranges = metadata.stream().filter(k -> !k.equals(metaRangeKey) && !k.endsWith("/dummy"))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> data = written.stream().filter(k -> k.startsWith(repo + "/data/")).collect(Collectors.toSet());
        assertThat(written).as("objects written to bucket A").contains(metaRangeKey);
        assertThat(ranges).as("range files of the commit").isNotEmpty();
        assertThat(data).as("data objects of the commit").hasSize(3);
        String heldRange = ranges.first();
        BucketReplicator.Hold hold = aToB.holdBack(Pattern.quote(heldRange));

        aToB.resume();

        Set<String> allButHeld = new TreeSet<>(written);
        allButHeld.remove(heldRange);
        await("everything but the held range lands in bucket B").atMost(Duration.ofSeconds(30))
                .until(() -> allButHeld.stream().allMatch(k -> aToB.landedAt(k).isPresent()));
        assertThat(keys(b.bucket(), repo + "/")).containsAll(allButHeld);
        await("the held range is parked").atMost(Duration.ofSeconds(30)).until(() -> aToB.heldKeys().contains(heldRange));
        assertThat(keys(b.bucket(), repo + "/")).doesNotContain(heldRange);

        hold.release();

        await("the held range lands in bucket B after release").atMost(Duration.ofSeconds(30))
                .until(() -> aToB.landedAt(heldRange).isPresent());
        assertThat(keys(b.bucket(), repo + "/")).containsAll(written);
        assertThat(aToB.landedAt(heldRange).get()).isAfter(aToB.landedAt(metaRangeKey).orElseThrow());
        assertThat(world.s3().getObjectAsBytes(r -> r.bucket(b.bucket()).key(metaRangeKey)).asByteArray())
                .isEqualTo(world.s3().getObjectAsBytes(r -> r.bucket(a.bucket()).key(metaRangeKey)).asByteArray());
        assertThat(world.replicator(B, A).landings()).as("replicas are not copied back").isEmpty();
    }

    private static Set<String> keys(String bucket, String prefix) {
        return world.s3().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key).collect(Collectors.toCollection(TreeSet::new));
    }

}
