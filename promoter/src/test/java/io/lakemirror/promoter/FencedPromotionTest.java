package io.lakemirror.promoter;

import static io.lakemirror.promoter.PromoterFixture.DESTINATION;
import static io.lakemirror.promoter.PromoterFixture.LEASE;
import static io.lakemirror.promoter.PromoterFixture.MAIN;
import static io.lakemirror.promoter.PromoterFixture.MIRROR;
import static io.lakemirror.promoter.PromoterFixture.MIRROR_REPO;
import static io.lakemirror.promoter.PromoterFixture.SOURCE_REPO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.DeadlineExceededException;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.InMemoryChangeFeed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * No lakeFS write of a promotion outlives its lease, and what a deadline cannot recall (a write
 * lakeFS applies after its client gave up) is put right by the anti-entropy pass.
 */
class FencedPromotionTest {
    private static final Duration MARGIN = LEASE.dividedBy(4);
    private static final Duration GRACE = LEASE.dividedBy(2);

    private final PromoterFixture f = new PromoterFixture().active();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private double repairs() {
        return meters.find(HeadAntiEntropy.REPAIRS).counters().stream().mapToDouble(Counter::count).sum();
    }

    private double repairs(String kind) {
        return meters.find(HeadAntiEntropy.REPAIRS).tag("kind", kind).counters().stream().mapToDouble(Counter::count).sum();
    }

    private final HeadAntiEntropy antiEntropy = f.antiEntropy("promoter-x-anti-entropy", meters);

    private int antiEntropyPass() {
        return antiEntropy.check(f.spec, f.db.listBranchStates(MIRROR));
    }

    /** Two passes a grace period apart: a difference seen by both is repaired. */
    private int antiEntropyPasses() {
        int repaired = antiEntropyPass();
        f.clock.advance(GRACE);
        return repaired + antiEntropyPass();
    }

    private void promoteInitialHead() {
        f.refstore.putCommits(MIRROR, List.of(f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, MAIN))));
        f.sourceCommit(MAIN, "one");
        f.validateSourceHead(MAIN);
        assertThat(f.promoter("first").promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.PROMOTED);
    }

    @Test
    void lateExecution_shouldNotMoveTheBranchBack_whenAnAbandonedHardResetLandsAfterANewerPromotion() {
        promoteInitialHead();
        f.sourceCommit(MAIN, "two");
        long sequenceTwo = f.validateSourceHead(MAIN);
        RecordingLakeFs slowLakeFs = new RecordingLakeFs(f.mirror, f.clock);
        AtomicReference<Runnable> lateWrite = new AtomicReference<>();
        slowLakeFs.holdNext("hardResetBranch", write -> {
            // lakeFS got the request but stalls; the client abandons it at the deadline and the lease lapses.
            lateWrite.set(write);
            f.clock.advance(LEASE.plusSeconds(1));
            return new DeadlineExceededException("hardResetBranch abandoned at its deadline");
        });

        assertThatThrownBy(() -> f.promoter("a", slowLakeFs.lakeFs()).promote(MIRROR, MAIN))
                .isInstanceOf(DeadlineExceededException.class);
        RecordingLakeFs.Call reset = slowLakeFs.calls("hardResetBranch").get(0);
        assertThat(reset.deadline()).as("the abandoned reset was held to the lease less its margin")
                .hasValueSatisfying(d -> assertThat(d).isBeforeOrEqualTo(reset.at().plus(LEASE).minus(MARGIN)));

        CommitRecord three = f.sourceCommit(MAIN, "three");
        f.validateSourceHead(MAIN);
        assertThat(f.promoter("b").promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.PROMOTED);
        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).isEqualTo(three.id());

        assertThatThrownBy(() -> lateWrite.get().run()).as("its fence ref was deleted by b's move")
                .isInstanceOf(io.lakemirror.domain.NotFoundException.class);
        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).as("the late reset changed nothing").isEqualTo(three.id());

        PromoterService service = new PromoterService(DESTINATION, f.db, new InMemoryChangeFeed(f.db), f.manager(),
                f.promoter("service"), f.antiEntropy("service-anti-entropy", meters),
                new PromoterService.Settings(Duration.ofHours(1), LEASE, 1, Duration.ofSeconds(1), 100), f.clock, meters);
        try (service) {
            service.reconcile();
            f.clock.advance(GRACE);
            service.reconcile();
        }
        assertThat(repairs()).as("nothing to repair").isZero();
        assertThat(f.db.getBranchState(MIRROR, MAIN).orElseThrow().promotedSequence()).isEqualTo(sequenceTwo + 1);
        assertThat(f.mirror.branches(MIRROR_REPO)).as("no fence ref left").containsOnlyKeys(MAIN);
    }

    @Test
    void lateExecution_shouldFailOnADeletedFence_whenAnAbandonedBranchCreationLandsAfterANewerPromotion() {
        promoteInitialHead();
        BranchId feature = BranchId.of("feature");
        f.source.createBranch(SOURCE_REPO, feature, MAIN.asRef(), false);
        f.validateSourceHead(feature);
        RecordingLakeFs slowLakeFs = new RecordingLakeFs(f.mirror, f.clock);
        AtomicReference<Runnable> lateWrite = new AtomicReference<>();
        // The branch's creation from the fence ref (the fence ref itself is a hidden branch, created first).
        slowLakeFs.holdNth("createBranch", 0, write -> {
            lateWrite.set(write);
            f.clock.advance(LEASE.plusSeconds(1));
            return new DeadlineExceededException("createBranch abandoned at its deadline");
        });
        assertThatThrownBy(() -> f.promoter("a", slowLakeFs.lakeFs()).promote(MIRROR, feature))
                .isInstanceOf(DeadlineExceededException.class);
        f.validateSourceHead(feature, Optional.empty());
        assertThat(f.promoter("b").promote(MIRROR, feature)).isEqualTo(BranchPromoter.Outcome.PROMOTED);
        f.sourceCommit(MAIN, "two");
        f.validateSourceHead(MAIN);
        assertThat(f.promoter("b").promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.PROMOTED);

        assertThatThrownBy(() -> lateWrite.get().run()).as("b deleted a's fence ref before the branch")
                .isInstanceOf(io.lakemirror.domain.NotFoundException.class);
        assertThat(f.mirror.branches(MIRROR_REPO)).containsOnlyKeys(MAIN);
    }

    @Test
    void promote_shouldHoldEveryLakeFsCallToItsLeaseLessTheMargin_andRenewTheLease_whenACopyOutlastsIt() {
        f.refstore.putCommits(MIRROR, List.of(f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, MAIN))));
        for (int i = 0; i < 12; i++) {
            f.sourceCommit(MAIN, "c" + i);
        }
        f.validateSourceHead(MAIN);
        RecordingLakeFs recording = new RecordingLakeFs(f.mirror, f.clock);
        f.mirror.addCallListener((operation, repository) -> {
            if (operation == LakeFsOperation.CREATE_COMMIT_RECORD) {
                f.clock.advance(Duration.ofSeconds(5));
            }
        });
        Instant start = f.clock.instant();

        assertThat(f.promoter("p", recording.lakeFs()).promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.PROMOTED);

        assertThat(Duration.between(start, f.clock.instant())).as("the copy took longer than one lease").isGreaterThan(LEASE);
        assertThat(recording.calls).isNotEmpty().allSatisfy(call -> {
            assertThat(call.deadline()).as("%s is bounded", call.operation()).isPresent();
            assertThat(call.deadline().get()).isAfter(call.at())
                    .isBeforeOrEqualTo(call.at().plus(LEASE).minus(MARGIN));
        });
        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).isEqualTo(f.source.head(SOURCE_REPO, MAIN));
    }

    @Test
    void promote_shouldStop_whenItsLeaseCannotBeRenewed() {
        f.sourceCommit(MAIN, "one");
        f.sourceCommit(MAIN, "two");
        long sequence = f.validateSourceHead(MAIN);
        f.mirror.addCallListener((operation, repository) -> {
            if (operation == LakeFsOperation.CREATE_COMMIT_RECORD && f.db.getBranchState(MIRROR, MAIN).orElseThrow()
                    .promotion().map(l -> l.owner().equals("p")).orElse(false)) {
                // Into the renewal window; meanwhile q takes the branch by naming p's lease, as if it had
                // watched it for a whole lease (only a bug or an operator could make that happen this early).
                f.clock.advance(Duration.ofSeconds(10));
                f.db.claimPromotion(MIRROR, MAIN, new BranchState.PromotionLease(sequence, "q", f.clock.instant()
                        .plus(LEASE)), f.db.getBranchState(MIRROR, MAIN).orElseThrow().promotion());
            }
        });

        assertThatThrownBy(() -> f.promoter("p").promote(MIRROR, MAIN)).hasMessageContaining("could not be renewed");

        assertThat(f.mirror.branches(MIRROR_REPO)).as("the branch was never moved").isEmpty();
        assertThat(f.db.getBranchState(MIRROR, MAIN).orElseThrow().promotion()).map(BranchState.PromotionLease::owner)
                .contains("q");
    }

    @Test
    void promote_shouldKeepItsLease_whenAPromoterWhoseClockRunsALeaseAheadTriesToTakeIt() {
        f.sourceCommit(MAIN, "one");
        f.sourceCommit(MAIN, "two");
        f.validateSourceHead(MAIN);
        f.wallOffsets.put("q", LEASE.plusSeconds(20));
        BranchPromoter q = f.promoter("q");
        List<BranchPromoter.Outcome> qTried = new java.util.ArrayList<>();
        f.mirror.addCallListener((operation, repository) -> {
            if (operation == LakeFsOperation.CREATE_COMMIT_RECORD) {
                f.clock.advance(Duration.ofSeconds(10));
                qTried.add(q.promote(MIRROR, MAIN));
            }
        });

        assertThat(f.promoter("p").promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.PROMOTED);

        assertThat(qTried).isNotEmpty().containsOnly(BranchPromoter.Outcome.BUSY);
        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).isEqualTo(f.source.head(SOURCE_REPO, MAIN));
    }

    @Test
    void promote_shouldTakeOverAPausedHoldersLease_onlyAfterWatchingItUnchangedForAWholeLease() {
        f.sourceCommit(MAIN, "one");
        long sequence = f.validateSourceHead(MAIN);
        // The holder's wall clock was 20 s ahead: its stored end is 20 s later than the true one.
        f.db.claimPromotion(MIRROR, MAIN, new BranchState.PromotionLease(sequence, "paused", f.clock.instant()
                .plus(LEASE).plusSeconds(20)), Optional.empty());
        f.wallOffsets.put("q", Duration.ofSeconds(-20));
        BranchPromoter q = f.promoter("q");

        assertThat(q.promote(MIRROR, MAIN)).as("first sight").isEqualTo(BranchPromoter.Outcome.BUSY);
        f.clock.advance(LEASE.minusSeconds(1));
        assertThat(q.promote(MIRROR, MAIN)).as("watched for less than a lease").isEqualTo(BranchPromoter.Outcome.BUSY);
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(q.promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.PROMOTED);
        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).isEqualTo(f.source.head(SOURCE_REPO, MAIN));
    }

    @Test
    void promote_shouldWatchAgain_whenTheHolderRenewsMeanwhile() {
        f.sourceCommit(MAIN, "one");
        long sequence = f.validateSourceHead(MAIN);
        f.db.claimPromotion(MIRROR, MAIN, new BranchState.PromotionLease(sequence, "slow", f.clock.instant().plus(LEASE)),
                Optional.empty());
        BranchPromoter q = f.promoter("q");

        assertThat(q.promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.BUSY);
        f.clock.advance(LEASE.minusSeconds(5));
        f.db.claimPromotion(MIRROR, MAIN, new BranchState.PromotionLease(sequence, "slow", f.clock.instant().plus(LEASE)),
                Optional.empty());
        f.clock.advance(Duration.ofSeconds(10));

        assertThat(q.promote(MIRROR, MAIN)).as("the renewal restarted the watch").isEqualTo(BranchPromoter.Outcome.BUSY);
        f.clock.advance(LEASE);
        assertThat(q.promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.PROMOTED);
    }

    @Test
    void antiEntropy_shouldPutBackABranchMovedByAForeignWrite() {
        promoteInitialHead();
        CommitRecord promotedHead = f.mirror.commitRecord(MIRROR_REPO, f.mirror.head(MIRROR_REPO, MAIN));
        CommitRecord foreign = f.mirror.addCommit(MIRROR_REPO, List.of(promotedHead.id()),
                io.lakemirror.lakefs.fake.CommitSpec.message("written to the mirror by hand"));
        f.mirror.setBranch(MIRROR_REPO, MAIN, foreign.id());

        assertThat(antiEntropyPasses()).isEqualTo(1);

        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).isEqualTo(promotedHead.id());
        assertThat(repairs("foreign_move")).isEqualTo(1);
    }

    @Test
    void antiEntropy_shouldRecreateADeletedBranch_andDeleteOneWhoseDeletionWasPromoted() {
        promoteInitialHead();
        BranchId feature = BranchId.of("feature");
        f.source.createBranch(SOURCE_REPO, feature, MAIN.asRef(), false);
        f.validateSourceHead(feature);
        f.promoter("p").promote(MIRROR, feature);
        f.validateSourceHead(feature, Optional.empty());
        f.promoter("p").promote(MIRROR, feature);
        io.lakemirror.domain.CommitId head = f.mirror.head(MIRROR_REPO, MAIN);
        f.mirror.removeBranch(MIRROR_REPO, MAIN);
        f.mirror.setBranch(MIRROR_REPO, feature, head);

        assertThat(antiEntropyPasses()).isEqualTo(2);

        assertThat(f.mirror.branches(MIRROR_REPO)).containsOnlyKeys(MAIN).containsEntry(MAIN, head);
        assertThat(repairs("missing")).isEqualTo(1);
        assertThat(repairs("unexpected")).isEqualTo(1);
    }

    @Test
    void antiEntropy_shouldLeaveABranchAlone_whileAPromotionIsPendingOrHeld() {
        promoteInitialHead();
        CommitRecord one = f.mirror.commitRecord(MIRROR_REPO, f.mirror.head(MIRROR_REPO, MAIN));
        f.mirror.setBranch(MIRROR_REPO, MAIN, one.parents().get(0));
        f.sourceCommit(MAIN, "two");
        long pending = f.validateSourceHead(MAIN);

        assertThat(antiEntropyPasses()).as("the pending promotion sets the head").isZero();

        f.db.claimPromotion(MIRROR, MAIN, new BranchState.PromotionLease(pending, "p", f.clock.instant().plus(LEASE)),
                Optional.empty());
        assertThat(antiEntropyPasses()).as("a promoter holds the branch").isZero();
        assertThat(repairs()).isZero();
        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).isEqualTo(one.parents().get(0));
    }

    @Test
    void antiEntropy_shouldRepairOnlyADifferenceThatLastsTheGracePeriod() {
        promoteInitialHead();
        CommitRecord promotedHead = f.mirror.commitRecord(MIRROR_REPO, f.mirror.head(MIRROR_REPO, MAIN));
        CommitRecord byHand = f.mirror.addCommit(MIRROR_REPO, List.of(promotedHead.id()),
                io.lakemirror.lakefs.fake.CommitSpec.message("moved by hand, moved back soon after"));
        f.mirror.setBranch(MIRROR_REPO, MAIN, byHand.id());

        assertThat(antiEntropyPass()).isZero();
        f.clock.advance(GRACE.minusSeconds(1));
        assertThat(antiEntropyPass()).as("not yet").isZero();
        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).as("the move stays visible meanwhile").isEqualTo(byHand.id());
        f.mirror.setBranch(MIRROR_REPO, MAIN, promotedHead.id());
        assertThat(antiEntropyPass()).isZero();
        f.mirror.setBranch(MIRROR_REPO, MAIN, byHand.id());
        f.clock.advance(Duration.ofSeconds(2));
        assertThat(antiEntropyPass()).as("a new sighting starts its own grace period").isZero();

        f.clock.advance(GRACE);
        assertThat(antiEntropyPass()).isEqualTo(1);
        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).isEqualTo(promotedHead.id());
        assertThat(repairs("foreign_move")).isEqualTo(1);
    }
}
