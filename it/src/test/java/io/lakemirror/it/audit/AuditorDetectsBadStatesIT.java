package io.lakemirror.it.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.graveler.GravelerReader;
import io.lakemirror.graveler.RangeInfo;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.it.TwoRegionService;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.testkit.BucketReplicator;
import io.lakemirror.testkit.DelayDistribution;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.World;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The judge is tested too: a fault run without violations means something only if the auditor
 * does see the bad states the service must never produce. Each test lets a real mirror (both
 * regions' services running) converge cleanly under the auditor, then damages it by hand the way a
 * bug or an intruder would, and expects the invariant that damage breaks (docs/architecture.md §8).
 * Every invariant I1 to I6 has a test named after it, and each waits for the message of the check
 * that must fire, so a check removed or broken fails its test (not just any violation passes it).
 */
class AuditorDetectsBadStatesIT {
    private static final String A = TwoRegionService.A;
    private static final String B = TwoRegionService.B;
    private static final BranchId MAIN = BranchId.of("main");
    private static final Duration DETECTION = Duration.ofSeconds(15);
    /**
     * I2 and I3 wait for a late source witness for the auditor's history grace before they count;
     * the tests shorten it so that detection stays well inside {@link #DETECTION}.
     */
    private static final Duration HISTORY_GRACE = Duration.ofSeconds(3);
    private static TwoRegionService service;
    private static World world;
    private static LakeFsUser user;
    private static SdkLakeFs lakeFsA;
    private static SdkLakeFs lakeFsB;

    @BeforeAll
    static void startTwoRegions() {
        service = TwoRegionService.start(DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(100)), 13);
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

    @Test
    void auditor_shouldReportI1_whenAMirrorBranchIsHardResetToACommitWhoseFilesAreNotInTheBucket() {
        Mirror m = mirror("reset-by-hand");
        BucketReplicator aToB = world.replicator(A, B);
        try (Auditor auditor = m.auditor()) {
            m.commitAndConverge(auditor, "a.csv");

            aToB.pause();
            try {
                user.upload(m.source(), MAIN, "data/b.csv", "b".getBytes(StandardCharsets.UTF_8));
                CommitId unreplicated = user.commit(m.source(), MAIN, "never replicated").id();
                auditor.witness(m.name().value(), MAIN, Optional.of(unreplicated));
                // Someone copies the commit record and moves the mirror branch by hand, bypassing the validator.
                lakeFsB.createCommitRecord(m.name(), lakeFsA.getCommit(m.source(), unreplicated.asRef()), true);
                lakeFsB.hardResetBranch(m.name(), MAIN, unreplicated.asRef(), true);

                awaitViolation(auditor, "I1", "missing");
            } finally {
                aToB.resume();
            }
        }
    }

    @Test
    void auditor_shouldReportI5_whenAMirrorCommitRecordHasATamperedField() {
        Mirror m = mirror("tampered-record");
        try (Auditor auditor = m.auditor()) {
            CommitId head = m.commitAndConverge(auditor, "a.csv");
            CommitRecord honest = lakeFsB.getCommit(m.name(), head.asRef());
            HashMap<String, String> metadata = new HashMap<>(honest.metadata());
            metadata.put("approved_by", "nobody");
            CommitRecord tampered = new CommitRecord(honest.id(), honest.parents(), honest.committer(), honest.message(),
                    honest.metaRangeId(), honest.creationDate(), metadata, honest.generation(), honest.version());

            world.site(B).lakeFs().replaceCommitRecordForTest(m.name(), tampered);

            awaitViolation(auditor, "I5", head.value());
        }
    }

    @Test
    void auditor_shouldReportI1_whenARangeUnderAPromotedCommitIsDeletedFromTheBucket() {
        Mirror m = mirror("deleted-range");
        try (Auditor auditor = m.auditor()) {
            CommitId head = m.commitAndConverge(auditor, "a.csv");
            List<String> ranges = m.rangeKeys(lakeFsB.getCommit(m.name(), head.asRef()).metaRangeId().orElseThrow());
            assertThat(ranges).as("ranges of the mirror head").isNotEmpty();

            world.s3().deleteObject(b -> b.bucket(m.namespace().bucket()).key(ranges.get(0)));

            awaitViolation(auditor, "I1", "ranges missing");
        }
    }

    @Test
    void auditor_shouldReportI2_whenAMirrorBranchIsResetToACommitTheSourceBranchNeverHad() {
        Mirror m = mirror("forged-head");
        try (Auditor auditor = m.auditor().historyGrace(HISTORY_GRACE)) {
            CommitId head = m.commitAndConverge(auditor, "a.csv");
            CommitRecord honest = lakeFsB.getCommit(m.name(), head.asRef());
            // A well-formed commit (its ID is its hash, its metarange is in the bucket) that only the mirror has.
            CommitRecord draft = new CommitRecord(head, List.of(head), "intruder", "made on the mirror",
                    honest.metaRangeId(), Instant.now().truncatedTo(ChronoUnit.SECONDS), java.util.Map.of(),
                    honest.generation() + 1, honest.version());
            CommitId forgedId = CommitIds.of(draft);
            CommitRecord forged = new CommitRecord(forgedId, draft.parents(), draft.committer(), draft.message(),
                    draft.metaRangeId(), draft.creationDate(), draft.metadata(), draft.generation(), draft.version());

            lakeFsB.createCommitRecord(m.name(), forged, true);
            lakeFsB.hardResetBranch(m.name(), MAIN, forgedId.asRef(), true);

            awaitViolation(auditor, "I2", "mirror head " + forgedId + " was never observed as a head of source branch");
        }
    }

    @Test
    void auditor_shouldReportI3_whenAMirrorBranchIsResetBackwardsWhileTheSourceBranchWasNot() {
        Mirror m = mirror("reset-backwards");
        try (Auditor auditor = m.auditor().historyGrace(HISTORY_GRACE)) {
            CommitId older = m.commitAndConverge(auditor, "a.csv");
            CommitId newer = m.commitAndConverge(auditor, "b.csv");

            lakeFsB.hardResetBranch(m.name(), MAIN, older.asRef(), true);

            awaitViolation(auditor, "I3", "mirror moved from " + newer + " to " + older + ", not a descendant");
        }
    }

    @Test
    void auditor_shouldReportI4_whenAMirrorBranchDoesNotReachTheSourceHeadWithinTheBound() {
        Mirror m = mirror("never-converges");
        BucketReplicator aToB = world.replicator(A, B);
        try (Auditor auditor = m.auditor()) {
            m.commitAndConverge(auditor, "a.csv");

            aToB.pause();
            try {
                user.upload(m.source(), MAIN, "data/b.csv", "b".getBytes(StandardCharsets.UTF_8));
                CommitId stuck = user.commit(m.source(), MAIN, "its files never reach the mirror's bucket").id();
                auditor.witness(m.name().value(), MAIN, Optional.of(stuck));

                // The bound is the caller's: a short one here, so the check is proven without waiting minutes.
                assertThat(auditor.awaitConvergence(Duration.ofSeconds(3))).as("converged without the source's files").isFalse();

                assertThat(auditor.violations()).as("violations after the bound passed")
                        .anyMatch(v -> v.invariant().equals("I4") && v.detail().contains("did not converge within 3 s")
                                && v.detail().contains(stuck.value()));
            } finally {
                aToB.resume();
            }
        }
    }

    @Test
    void auditor_shouldReportI6_whenABranchTheSourceNeverHadIsCreatedOnTheMirror() {
        Mirror m = mirror("foreign-branch");
        try (Auditor auditor = m.auditor()) {
            CommitId head = m.commitAndConverge(auditor, "a.csv");

            lakeFsB.createBranch(m.name(), io.lakemirror.domain.BranchId.of("intruder"), head.asRef(), true);

            awaitViolation(auditor, "I6", "mirror branch intruder exists, but the source never had a branch of that name");
        }
    }

    @Test
    void auditor_shouldReportI6_whenTheMirrorRepositoryIsNotReadOnly() {
        Mirror m = mirror("writable-mirror");
        try (Auditor auditor = m.auditor()) {
            m.commitAndConverge(auditor, "a.csv");

            // Someone replaces the mirror by a writable repository of the same name (read_only is fixed at creation).
            lakeFsB.deleteRepository(m.name(), true);
            lakeFsB.createRepository(RepositoryCreation.of(m.name(),
                    io.lakemirror.domain.StorageNamespace.of(m.namespace().value() + "-writable")));

            awaitViolation(auditor, "I6", "mirror repository " + m.name() + " is not read-only");
        }
    }

    private static void awaitViolation(Auditor auditor, String invariant, String detail) {
        await("the auditor reports " + invariant).alias(invariant).atMost(DETECTION).pollInterval(Duration.ofMillis(100))
                .until(() -> auditor.violations().stream()
                        .anyMatch(v -> v.invariant().equals(invariant) && v.detail().contains(detail)));
    }

    private static Mirror mirror(String repo) {
        TwoRegionService.CreatedMirror created = service.mirror(repo);
        return new Mirror(created.source(), created.name(), created.namespace());
    }

    private record Mirror(RepositoryId source, RepositoryId name, StorageNamespace namespace) {
        Auditor auditor() {
            Auditor auditor = new Auditor(world.s3(), List.of(new AuditedMirror(name.value(), lakeFsA, source, lakeFsB, name,
                    namespace)), Duration.ofMillis(100)).start();
            auditor.witness(name.value(), MAIN, Optional.of(user.head(source, MAIN)));
            return auditor;
        }

        /** A commit on the source's main, mirrored and audited without violation: the clean state damage starts from. */
        CommitId commitAndConverge(Auditor auditor, String file) {
            user.upload(source, MAIN, "data/" + file, file.getBytes(StandardCharsets.UTF_8));
            CommitId head = user.commit(source, MAIN, "commit " + file).id();
            auditor.witness(name.value(), MAIN, Optional.of(head));
            assertThat(auditor.awaitConvergence(Duration.ofSeconds(60))).as(auditor.differences()).isTrue();
            assertThat(auditor.violations()).as("violations before any damage").isEmpty();
            return head;
        }

        List<String> rangeKeys(MetaRangeId metaRange) {
            String key = namespace.metadataKey(metaRange);
            byte[] bytes = world.s3().getObjectAsBytes(b -> b.bucket(namespace.bucket()).key(key)).asByteArray();
            List<String> keys = new ArrayList<>();
            GravelerReader.readMetaRange(ByteSource.of(key, bytes))
                    .forEachRemaining((RangeInfo r) -> keys.add(namespace.metadataKey(r.id())));
            return keys;
        }
    }
}
