package io.lakemirror.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.it.audit.Auditor;
import io.lakemirror.it.audit.Violation;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.testkit.BucketReplicator;
import io.lakemirror.testkit.DelayDistribution;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.World;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The product end to end: two regions, every component of each running on the real backends
 * (dynoxide, ElasticMQ, S3Mock, lakeFS test servers), bucket replication delaying and reordering
 * objects, and an independent auditor judging the mirrors throughout.
 */
class MirrorEndToEndIT {
    private static final String A = TwoRegionService.A;
    private static final String B = TwoRegionService.B;
    private static TwoRegionService service;
    private static World world;
    private static LakeFsUser user;
    private static SdkLakeFs lakeFsA;
    private static SdkLakeFs lakeFsB;

    @BeforeAll
    static void startTwoRegions() {
        start(false);
    }

    /** Starts both regions, the mirrors database and refstores on PostgreSQL when {@code postgres} ({@code MirrorEndToEndOnPostgresIT}). */
    static void start(boolean postgres) {
        service = TwoRegionService.start(DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(400)), 42, postgres);
        world = service.world();
        user = service.user();
        lakeFsA = service.lakeFsA();
        lakeFsB = service.lakeFsB();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    private static TwoRegionService.CreatedMirror mirror(String repo) {
        return service.mirror(repo);
    }

    @Test
    void mirror_shouldFollow200CommitsAcrossBranches_withoutAnyViolation() {
        TwoRegionService.CreatedMirror m = mirror("workload");
        try (Auditor auditor = new Auditor(world.s3(), List.of(m.audited(service)), Duration.ofMillis(100)).start()) {
            Workload workload = new Workload(user, m.source(), 7, (branch, head) -> auditor.witness(m.name().value(), branch, head));

            workload.run(4, 200);

            assertThat(auditor.awaitConvergence(Duration.ofSeconds(90))).as(auditor.differences()).isTrue();
            assertThat(auditor.violations()).isEmpty();
            assertThat(auditor.rounds()).isGreaterThan(10);
        }
    }

    @Test
    void mirror_shouldWaitForAHeldBackRange_andCatchUpWhenItArrives() {
        TwoRegionService.CreatedMirror m = mirror("held");
        BucketReplicator aToB = world.replicator(A, B);
        BranchId main = BranchId.of("main");
        try (Auditor auditor = new Auditor(world.s3(), List.of(m.audited(service)), Duration.ofMillis(100)).start()) {
            auditor.witness(m.name().value(), main, Optional.of(user.head(m.source(), main)));
            user.upload(m.source(), main, "data/first.csv", "1".getBytes(StandardCharsets.UTF_8));
            CommitId first = user.commit(m.source(), main, "first").id();
            auditor.witness(m.name().value(), main, Optional.of(first));
            assertThat(auditor.awaitConvergence(Duration.ofSeconds(60))).as(auditor.differences()).isTrue();

            aToB.pause();
            user.upload(m.source(), main, "data/second.csv", "2".getBytes(StandardCharsets.UTF_8));
            LakeFsUser.Commit second = user.commit(m.source(), main, "second");
            auditor.witness(m.name().value(), main, Optional.of(second.id()));
            String rangeKey = heldRange(m, second.metaRangeId());
            BucketReplicator.Hold hold = aToB.holdBack(Pattern.quote(rangeKey));
            aToB.resume();

            await("the mirror reports the missing range").atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode branch = service.apiA().mirror(m.source().value(), m.id())
                        .get("branches").get(0);
                return branch.get("missing_files").toString().contains(rangeKey);
            });
            assertThat(lakeFsB.getBranch(m.name(), main).commitId()).isEqualTo(first);

            hold.release();
            assertThat(auditor.awaitConvergence(Duration.ofSeconds(30))).as(auditor.differences()).isTrue();
            assertThat(lakeFsB.getBranch(m.name(), main).commitId()).isEqualTo(second.id());
            assertThat(auditor.violations()).isEmpty();
        }
    }

    /** The key of a range of the commit's metarange that the previous commit did not have. */
    private static String heldRange(TwoRegionService.CreatedMirror m, String metaRangeId) {
        String source = world.site(A).bucket();
        String prefix = m.source() + "/_lakefs/";
        return world.s3().listObjectsV2Paginator(b -> b.bucket(source).prefix(prefix)).contents().stream()
                .map(o -> o.key())
                .filter(k -> !k.endsWith(metaRangeId) && !k.endsWith("dummy"))
                .filter(k -> world.replicator(A, B).landedAt(k).isEmpty())
                .findFirst().orElseThrow(() -> new IllegalStateException("no new range of " + metaRangeId + " in " + source));
    }

    @Test
    void auditor_shouldCatchAMirrorBranchResetByHandToACommitWhoseRangeIsMissing() {
        TwoRegionService.CreatedMirror m = mirror("tampered");
        BranchId main = BranchId.of("main");
        BucketReplicator aToB = world.replicator(A, B);
        try (Auditor auditor = new Auditor(world.s3(), List.of(m.audited(service)), Duration.ofMillis(100)).start()) {
            auditor.witness(m.name().value(), main, Optional.of(user.head(m.source(), main)));
            user.upload(m.source(), main, "data/a.csv", "a".getBytes(StandardCharsets.UTF_8));
            CommitId first = user.commit(m.source(), main, "first").id();
            auditor.witness(m.name().value(), main, Optional.of(first));
            assertThat(auditor.awaitConvergence(Duration.ofSeconds(60))).isTrue();

            aToB.pause();
            user.upload(m.source(), main, "data/b.csv", "b".getBytes(StandardCharsets.UTF_8));
            LakeFsUser.Commit unreplicated = user.commit(m.source(), main, "never replicated");
            // Someone copies the commit record and moves the mirror branch by hand, bypassing the validator.
            lakeFsB.createCommitRecord(m.name(), lakeFsA.getCommit(m.source(), unreplicated.id().asRef()), true);
            lakeFsB.hardResetBranch(m.name(), main, unreplicated.id().asRef(), true);

            await("the auditor reports I1").atMost(Duration.ofSeconds(60))
                    .until(() -> auditor.violations().stream().map(Violation::invariant).anyMatch("I1"::equals));
            aToB.resume();
        }
    }
}
