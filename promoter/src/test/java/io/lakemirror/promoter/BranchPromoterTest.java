package io.lakemirror.promoter;

import static io.lakemirror.promoter.PromoterFixture.MAIN;
import static io.lakemirror.promoter.PromoterFixture.MIRROR;
import static io.lakemirror.promoter.PromoterFixture.MIRROR_REPO;
import static io.lakemirror.promoter.PromoterFixture.SOURCE_REPO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StaleWriteException;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import io.lakemirror.store.BranchState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BranchPromoterTest {
    private final PromoterFixture f = new PromoterFixture().active();

    private List<CommitId> mirrorLog(BranchId branch) {
        return f.mirror.logCommits(MIRROR_REPO, branch.asRef(), LogRequest.first(1000)).results().stream()
                .map(CommitRecord::id).toList();
    }

    private List<CommitId> sourceLog(BranchId branch) {
        return f.source.logCommits(SOURCE_REPO, branch.asRef(), LogRequest.first(1000)).results().stream()
                .map(CommitRecord::id).toList();
    }

    @Test
    void promote_shouldCopyCommitsParentsFirst_andCreateTheBranch() {
        f.refstore.putCommits(MIRROR, List.of(f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, MAIN))));
        f.sourceCommit(MAIN, "one");
        f.sourceCommit(MAIN, "two");
        CommitRecord three = f.sourceCommit(MAIN, "three");
        f.validateSourceHead(MAIN);

        assertThat(f.promoter("p").promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.PROMOTED);

        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).isEqualTo(three.id());
        assertThat(mirrorLog(MAIN)).isEqualTo(sourceLog(MAIN));
        BranchState state = f.db.getBranchState(MIRROR, MAIN).orElseThrow();
        assertThat(state.promotedSequence()).isEqualTo(1);
        assertThat(state.needsPromotion()).isFalse();
        assertThat(f.refstore.getCommits(MIRROR, sourceLog(MAIN)).values()).allMatch(c -> c.promoted());
    }

    @Test
    void promote_shouldHardResetForward_andCopyOnlyNewCommits() {
        f.refstore.putCommits(MIRROR, List.of(f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, MAIN))));
        f.sourceCommit(MAIN, "one");
        f.validateSourceHead(MAIN);
        f.promoter("p").promote(MIRROR, MAIN);
        f.mirror.resetCallCounts();
        f.sourceCommit(MAIN, "two");
        CommitRecord three = f.sourceCommit(MAIN, "three");
        f.validateSourceHead(MAIN);

        f.promoter("p").promote(MIRROR, MAIN);

        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).isEqualTo(three.id());
        assertThat(f.mirror.calls(LakeFsOperation.CREATE_COMMIT_RECORD)).isEqualTo(2);
        assertThat(f.mirror.calls(LakeFsOperation.HARD_RESET_BRANCH)).isEqualTo(1);
    }

    @Test
    void promote_shouldFollowAResetBackwards() {
        CommitRecord initial = f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, MAIN));
        f.refstore.putCommits(MIRROR, List.of(initial));
        CommitRecord one = f.sourceCommit(MAIN, "one");
        f.sourceCommit(MAIN, "two");
        f.validateSourceHead(MAIN);
        f.promoter("p").promote(MIRROR, MAIN);

        f.source.setBranch(SOURCE_REPO, MAIN, one.id());
        f.validateSourceHead(MAIN);
        f.promoter("p").promote(MIRROR, MAIN);

        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).isEqualTo(one.id());
    }

    @Test
    void promote_shouldDeleteTheBranch_forADeletionSequence_andRecreateItLater() {
        f.refstore.putCommits(MIRROR, List.of(f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, MAIN))));
        BranchId feature = BranchId.of("feature");
        f.source.createBranch(SOURCE_REPO, feature, MAIN.asRef(), false);
        f.sourceCommit(feature, "f1");
        f.validateSourceHead(feature);
        f.promoter("p").promote(MIRROR, feature);

        f.validateSourceHead(feature, Optional.empty());
        f.promoter("p").promote(MIRROR, feature);
        assertThat(f.mirror.branches(MIRROR_REPO)).doesNotContainKey(feature);

        CommitRecord again = f.sourceCommit(MAIN, "m1");
        f.source.setBranch(SOURCE_REPO, feature, again.id());
        f.validateSourceHead(feature);
        f.promoter("p").promote(MIRROR, feature);
        assertThat(f.mirror.head(MIRROR_REPO, feature)).isEqualTo(again.id());
    }

    @Test
    void promote_shouldReadACommitMissingFromTheRefstoreFromTheSource_andVerifyIt() {
        f.source.commit(SOURCE_REPO, MAIN, "not in the refstore");
        f.validateSourceHead(MAIN);

        f.promoter("p").promote(MIRROR, MAIN);

        assertThat(mirrorLog(MAIN)).isEqualTo(sourceLog(MAIN));
        assertThat(f.source.calls(LakeFsOperation.GET_COMMIT)).isEqualTo(2);
    }

    @Test
    void promote_shouldDoNothing_whenReplayed() {
        f.sourceCommit(MAIN, "one");
        f.validateSourceHead(MAIN);
        f.promoter("p").promote(MIRROR, MAIN);
        f.mirror.resetCallCounts();

        assertThat(f.promoter("p").promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.UP_TO_DATE);
        assertThat(f.promoter("q").promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.UP_TO_DATE);
        assertThat(f.mirror.totalCalls()).isZero();
    }

    @Test
    void promote_shouldLeaveTheBranchToTheLeaseHolder_whenAnotherPromoterHoldsIt() {
        f.sourceCommit(MAIN, "one");
        long sequence = f.validateSourceHead(MAIN);
        f.db.claimPromotion(MIRROR, MAIN, new BranchState.PromotionLease(sequence, "other", f.clock.instant()
                .plusSeconds(30)), Optional.empty());

        assertThat(f.promoter("p").promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.BUSY);
        assertThat(f.mirror.branches(MIRROR_REPO)).isEmpty();

        f.clock.advance(Duration.ofSeconds(31));
        assertThat(f.promoter("p").promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.PROMOTED);
    }

    @Test
    void promote_shouldStopBeforeMovingTheBranch_whenItsLeaseIsAboutToLapse() {
        f.sourceCommit(MAIN, "one");
        f.validateSourceHead(MAIN);
        f.mirror.addCallListener((operation, repository) -> {
            if (operation == LakeFsOperation.GET_BRANCH) {
                f.clock.advance(Duration.ofSeconds(25));
            }
        });

        assertThatThrownBy(() -> f.promoter("p").promote(MIRROR, MAIN)).isInstanceOf(StaleWriteException.class);

        assertThat(f.mirror.branches(MIRROR_REPO)).isEmpty();
        BranchState state = f.db.getBranchState(MIRROR, MAIN).orElseThrow();
        assertThat(state.promotion()).isEmpty();
        assertThat(state.promoterError()).map(BranchState.ErrorInfo::message).hasValueSatisfying(m -> m.contains("lease"));
    }

    @Test
    void promote_shouldWait_whenTheMirrorIsNotActiveYet() {
        PromoterFixture fresh = new PromoterFixture();
        fresh.sourceCommit(MAIN, "one");
        fresh.validateSourceHead(MAIN);

        assertThat(fresh.promoter("p").promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.MIRROR_NOT_READY);
        assertThat(fresh.mirror.totalCalls()).isZero();
    }

    @Test
    void promote_shouldRecordTheError_andSucceedOnRetry_whenLakeFsFails() {
        f.sourceCommit(MAIN, "one");
        f.validateSourceHead(MAIN);
        f.mirror.failOnce(LakeFsOperation.CREATE_BRANCH, MIRROR_REPO, FakeLakeFs.serverError("createBranch"));

        assertThatThrownBy(() -> f.promoter("p").promote(MIRROR, MAIN)).isInstanceOf(RetryableException.class);
        assertThat(f.db.getBranchState(MIRROR, MAIN).orElseThrow().promoterError()).isPresent();

        assertThat(f.promoter("p").promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.PROMOTED);
        assertThat(f.db.getBranchState(MIRROR, MAIN).orElseThrow().promoterError()).isEmpty();
    }

    @Test
    void promote_shouldRefuseATamperedRecordBeforeCreateCommitRecord_andCopyTheSourcesRecordInstead() {
        f.refstore.putCommits(MIRROR, List.of(f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, MAIN))));
        CommitRecord one = f.source.commit(SOURCE_REPO, MAIN, "one");
        CommitRecord tampered = new CommitRecord(one.id(), one.parents(), one.committer(), "one, rewritten in transit",
                one.metaRangeId(), one.creationDate(), one.metadata(), one.generation(), one.version());
        f.refstore.putCommits(MIRROR, List.of(tampered));
        f.sourceCommit(MAIN, "two");
        f.validateSourceHead(MAIN);
        BranchPromoter promoter = f.promoter("p");

        assertThat(promoter.promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.PROMOTED);

        assertThat(f.mirror.calls(LakeFsOperation.CREATE_COMMIT_RECORD)).as("no record was refused by lakeFS").isEqualTo(3);
        assertThat(f.source.calls(LakeFsOperation.GET_COMMIT)).as("one record read again from the source").isEqualTo(1);
        assertThat(promoter.recordsRefetched()).isEqualTo(1);
        assertThat(f.refstore.getCommits(MIRROR, List.of(one.id())).get(one.id()).commit()).isEqualTo(one);
        assertThat(f.mirror.commitRecord(MIRROR_REPO, one.id())).isEqualTo(one);
        assertThat(mirrorLog(MAIN)).isEqualTo(sourceLog(MAIN));
    }

    @Test
    void promote_shouldEvictARecordLakeFsRefusesWith400_andCreateTheSourcesCopy() {
        f.refstore.putCommits(MIRROR, List.of(f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, MAIN))));
        CommitRecord one = f.sourceCommit(MAIN, "one");
        f.validateSourceHead(MAIN);
        f.mirror.fail(LakeFsOperation.CREATE_COMMIT_RECORD, Optional.of(MIRROR_REPO), 1, () -> new InvalidInputException(
                "lakeFS fake createCommitRecord failed with HTTP 400: commit ID does not match"));
        BranchPromoter promoter = f.promoter("p");

        assertThat(promoter.promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.PROMOTED);

        assertThat(f.source.calls(LakeFsOperation.GET_COMMIT)).isEqualTo(1);
        assertThat(f.mirror.calls(LakeFsOperation.CREATE_COMMIT_RECORD)).isEqualTo(3);
        assertThat(promoter.recordsRefetched()).isEqualTo(1);
        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).isEqualTo(one.id());
        assertThat(mirrorLog(MAIN)).isEqualTo(sourceLog(MAIN));
    }

    @Test
    void promote_shouldRecordTheError_andNotLoop_whenLakeFsRefusesTheSourcesCopyToo() {
        f.refstore.putCommits(MIRROR, List.of(f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, MAIN))));
        f.sourceCommit(MAIN, "one");
        f.validateSourceHead(MAIN);
        var refusal = f.mirror.failAlways(LakeFsOperation.CREATE_COMMIT_RECORD, MIRROR_REPO, () -> new InvalidInputException(
                "lakeFS fake createCommitRecord failed with HTTP 400: invalid record"));

        assertThatThrownBy(() -> f.promoter("p").promote(MIRROR, MAIN)).isInstanceOf(InvalidInputException.class);

        assertThat(refusal.raised()).as("the stored record, then the source's copy").isEqualTo(2);
        BranchState state = f.db.getBranchState(MIRROR, MAIN).orElseThrow();
        assertThat(state.promoterError()).map(BranchState.ErrorInfo::message).hasValueSatisfying(m -> m.contains("400"));
        assertThat(state.promotion()).isEmpty();
        assertThat(f.mirror.branches(MIRROR_REPO)).isEmpty();
    }

    @Test
    void promote_shouldCopyMergeParentsFromBothSides() {
        f.refstore.putCommits(MIRROR, List.of(f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, MAIN))));
        BranchId feature = BranchId.of("feature");
        f.source.createBranch(SOURCE_REPO, feature, MAIN.asRef(), false);
        f.sourceCommit(feature, "f1");
        f.sourceCommit(MAIN, "m1");
        CommitRecord merge = f.source.merge(SOURCE_REPO, feature.asRef(), MAIN, "merge feature");
        f.refstore.putCommits(MIRROR, List.of(merge));
        f.validateSourceHead(MAIN);

        f.promoter("p").promote(MIRROR, MAIN);

        assertThat(mirrorLog(MAIN)).containsExactlyElementsOf(sourceLog(MAIN)).hasSize(4);
    }
}
