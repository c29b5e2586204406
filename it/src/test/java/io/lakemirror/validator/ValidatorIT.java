package io.lakemirror.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.aws.dynamodb.DynamoDbStores;
import io.lakemirror.aws.sqs.SqsCommitsQueue;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.launcher.RegionProcess;
import io.lakemirror.messages.CommitsDetected;
import io.lakemirror.messages.CommitsDetectedCodec;
import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.testkit.BucketReplicator;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.World;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The validator of region B in a two-region world: a commit made on lakeFS A travels by the bucket
 * replication simulator while one of its ranges is held back. The branch state waits and names the
 * range; once the range lands, the sequence is validated within two seconds. The head travels by
 * claim check, so the validator also reads it from lakeFS A and verifies its ID.
 */
class ValidatorIT {
    private static final String A = "us-east-1";
    private static final String B = "eu-west-1";
    private static final BranchId MAIN = BranchId.of("main");

    private static World world;
    private static DynamoDbStores stores;
    private static SqsCommitsQueue sender;
    private static RegionProcess validator;

    @BeforeAll
    static void start() {
        world = World.builder().regions(A, B).start();
        stores = DynamoDbStores.builder(world.config(B)).build();
        sender = SqsCommitsQueue.create(world.config(A));
        validator = RegionProcess.start(world.config(B), EnumSet.of(RegionProcess.Part.VALIDATOR));
    }

    @AfterAll
    static void stop() {
        if (validator != null) {
            validator.close();
        }
        if (sender != null) {
            sender.close();
        }
        if (stores != null) {
            stores.close();
        }
        if (world != null) {
            world.close();
        }
    }

    @Test
    void validator_shouldWaitNamingTheHeldBackRange_thenValidateOnceItArrives() {
        World.Site a = world.site(A);
        World.Site b = world.site(B);
        BucketReplicator aToB = world.replicator(A, B);
        String repo = "orders";
        LakeFsUser lakeFs = new LakeFsUser(a.lakeFsEndpoint(), world.replicationAccessKeyId(),
                world.replicationSecretAccessKey());
        lakeFs.createRepository(RepositoryId.of(repo), a.storageNamespace(repo));

        // Paused, so that the range is held back before any file of the commit travels.
        aToB.pause();
        for (int i = 0; i < 3; i++) {
            lakeFs.upload(RepositoryId.of(repo), MAIN, "tables/orders/part-" + i + ".csv",
                    ("id,amount\n" + i + ",10\n").getBytes(StandardCharsets.UTF_8));
        }
        LakeFsUser.Commit commit = lakeFs.commit(RepositoryId.of(repo), MAIN, "three parts");
        CommitId head = commit.id();
        String metaRangeKey = repo + "/_lakefs/" + commit.metaRangeId();
        String heldRange = keys(a.bucket(), repo + "/_lakefs/").stream()
                .filter(k -> k.matches(".*/_lakefs/[0-9a-f]{64}") && !k.equals(metaRangeKey)).findFirst().orElseThrow();
        BucketReplicator.Hold hold = aToB.holdBack(Pattern.quote(heldRange));
        aToB.resume();

        MirrorsDatabase mirrors = stores.mirrorsDatabase();
        MirrorSpec spec = new MirrorSpec(MirrorId.of("m-orders"), RepositoryId.of("orders-mirror"),
                RepositoryId.of(repo), Region.of(A), Region.of(B), StorageNamespace.of(b.storageNamespace(repo)), MAIN,
                Instant.now(), "validator-it", Optional.empty());
        mirrors.createMirror(spec);
        mirrors.putStatus(new MirrorStatus(spec.id(), MirrorState.ACTIVE, "", Instant.now()), Set.of(), true);
        Instant sensedAt = Instant.now();
        mirrors.putSensorBranchState(new SensorBranchState(spec.id(), MAIN, 1, Optional.of(head), sensedAt, true, 1), 0);
        CommitsDetected message = new CommitsDetected(OrganizationId.of(world.organizationId()), spec.id(),
                spec.sourceRepository(), spec.sourceRegion(), spec.destinationRegion(), MAIN, 1, 0, true,
                Optional.of(head), sensedAt, 1, List.of(), Optional.empty(), List.of(head));
        sender.send(Region.of(B), List.of(new CommitsQueue.OutgoingMessage(message.groupId(),
                message.deduplicationId(), CommitsDetectedCodec.encode(message))));

        await().alias("branch state waits and names the held-back range").atMost(Duration.ofSeconds(30))
                .until(() -> branch(spec).waiting().map(w -> w.missing().contains(heldRange)).orElse(false));
        await().alias("no validation while the range is held back").during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(60)).until(() -> branch(spec).validated().isEmpty());
        assertThat(aToB.heldKeys()).contains(heldRange);
        assertThat(stores.refstore().getCommits(spec.id(), List.of(head))).as("claim-checked head stored")
                .containsKey(head);

        hold.release();
        await().alias("the held range lands in bucket B").atMost(Duration.ofSeconds(60))
                .until(() -> aToB.landedAt(heldRange).isPresent());
        await().alias("validated once the held range has landed").atMost(Duration.ofSeconds(60))
                .until(() -> branch(spec).validatedSequence() == 1);

        BranchState state = branch(spec);
        assertThat(state.validated().orElseThrow().head()).contains(head);
        assertThat(state.waiting()).isEmpty();
        assertThat(state.validatorError()).isEmpty();
        assertThat(deadLetters(b)).as("nothing dead-lettered").isZero();
    }

    @Test
    void validator_shouldAdmitALostHeadMessageOfAQuietBranch_fromTheSensorState() {
        World.Site a = world.site(A);
        World.Site b = world.site(B);
        String repo = "quiet";
        LakeFsUser lakeFs = new LakeFsUser(a.lakeFsEndpoint(), world.replicationAccessKeyId(),
                world.replicationSecretAccessKey());
        lakeFs.createRepository(RepositoryId.of(repo), a.storageNamespace(repo));
        lakeFs.upload(RepositoryId.of(repo), MAIN, "tables/release/part-0.csv", "id\n1\n".getBytes(StandardCharsets.UTF_8));
        LakeFsUser.Commit commit = lakeFs.commit(RepositoryId.of(repo), MAIN, "release 1.0");
        MirrorsDatabase mirrors = stores.mirrorsDatabase();
        MirrorSpec spec = new MirrorSpec(MirrorId.of("m-quiet"), RepositoryId.of("quiet-mirror"), RepositoryId.of(repo),
                Region.of(A), Region.of(B), StorageNamespace.of(b.storageNamespace(repo)), MAIN, Instant.now(),
                "validator-it", Optional.empty());
        mirrors.createMirror(spec);
        mirrors.putStatus(new MirrorStatus(spec.id(), MirrorState.ACTIVE, "", Instant.now()), Set.of(), true);
        // The sensor announced the head a while ago; its message never reached the queue, and the source stays quiet.
        Instant sensedAt = Instant.now().minus(ValidatorOptions.DEFAULT_LOST_MESSAGE_GRACE);
        mirrors.putSensorBranchState(new SensorBranchState(spec.id(), MAIN, 1, Optional.of(commit.id()), sensedAt, true,
                2), 0);
        long started = System.nanoTime();

        await().alias("the lost head admitted from the sensor state").atMost(Duration.ofSeconds(30))
                .until(() -> branch(spec).validatedSequence() == 1);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("within about one re-check interval (1 s here)")
                .isLessThan(Duration.ofSeconds(15));
        assertThat(branch(spec).validated().orElseThrow().head()).contains(commit.id());
        assertThat(stores.refstore().getCommits(spec.id(), List.of(commit.id())).get(commit.id()).commit().id())
                .as("the head's record, read from lakeFS A and hash-checked").isEqualTo(commit.id());
    }

    private static BranchState branch(MirrorSpec spec) {
        return stores.mirrorsDatabase().getBranchState(spec.id(), MAIN).orElse(BranchState.empty(spec.id(), MAIN));
    }

    private static Set<String> keys(String bucket, String prefix) {
        return world.s3().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key).collect(Collectors.toCollection(TreeSet::new));
    }

    private static long deadLetters(World.Site site) {
        String count = world.sqs().getQueueAttributes(r -> r.queueUrl(site.commitsQueue().dlqUrl())
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
        return Long.parseLong(count);
    }
}
