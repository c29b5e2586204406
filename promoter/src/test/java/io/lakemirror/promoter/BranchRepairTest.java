package io.lakemirror.promoter;

import static io.lakemirror.promoter.PromoterFixture.DESTINATION;
import static io.lakemirror.promoter.PromoterFixture.MAIN;
import static io.lakemirror.promoter.PromoterFixture.MIRROR;
import static io.lakemirror.promoter.PromoterFixture.MIRROR_REPO;
import static io.lakemirror.promoter.PromoterFixture.SOURCE;
import static io.lakemirror.promoter.PromoterFixture.SOURCE_REPO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.StaleWriteException;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.SensorBranchState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BranchRepairTest {
    private static final long HUGE = 9_000_000_000L;

    private final PromoterFixture f = new PromoterFixture().active();
    private long sensorSequence;

    private BranchRepair repair() {
        return new BranchRepair(DESTINATION, f.db, f.refstore, f.mirror, region -> f.source, f.clock);
    }

    /** The source sensor announces the source branch's current head as its next sequence. */
    private long sense() {
        long previous = sensorSequence++;
        f.db.putSensorBranchState(new SensorBranchState(MIRROR, MAIN, sensorSequence,
                Optional.of(f.source.head(SOURCE_REPO, MAIN)), f.clock.instant(), true, sensorSequence), previous);
        return sensorSequence;
    }

    /** Validates and promotes the source head at the sensor's current sequence, as the pipeline does. */
    private void pipeline(long sequence) {
        f.db.recordValidated(MIRROR, MAIN, new BranchState.Validated(sequence, Optional.of(f.source.head(SOURCE_REPO, MAIN)),
                f.clock.instant(), f.clock.instant(), sequence));
        assertThat(f.promoter("p").promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.PROMOTED);
    }

    /** A message with a huge sequence was admitted and promoted: every newer sequence is refused since. */
    private void forgeHugeSequence(CommitId head) {
        f.db.recordValidated(MIRROR, MAIN, new BranchState.Validated(HUGE, Optional.of(head), f.clock.instant(),
                f.clock.instant(), 1));
        f.promoter("p").promote(MIRROR, MAIN);
    }

    @Test
    void repair_shouldUnfreezeABranch_whoseValidatedSequenceTheSensorNeverHandedOut() {
        f.refstore.putCommits(MIRROR, List.of(f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, MAIN))));
        f.sourceCommit(MAIN, "one");
        pipeline(sense());
        CommitId one = f.source.head(SOURCE_REPO, MAIN);
        forgeHugeSequence(one);
        CommitRecord two = f.source.commit(SOURCE_REPO, MAIN, "two, whose record the refstore never got");
        long sensed = sense();
        assertThatThrownBy(() -> f.db.recordValidated(MIRROR, MAIN, new BranchState.Validated(sensed,
                Optional.of(two.id()), f.clock.instant(), f.clock.instant(), sensed)))
                .as("the branch is frozen").isInstanceOf(StaleWriteException.class);
        f.mirror.resetCallCounts();

        BranchRepair.Plan plan = repair().repair(f.spec, MAIN);

        BranchState after = f.db.getBranchState(MIRROR, MAIN).orElseThrow();
        assertThat(after).isEqualTo(plan.after());
        assertThat(after.validatedSequence()).isEqualTo(sensed - 1);
        assertThat(after.promoted()).map(BranchState.Promoted::sequence).contains(sensed - 1);
        assertThat(after.promoted().flatMap(BranchState.Promoted::head)).as("the head the mirror has").contains(one);
        assertThat(after.waiting()).map(BranchState.Waiting::sequence).contains(sensed);
        assertThat(after.waiting()).map(BranchState.Waiting::head).contains(two.id());
        assertThat(f.refstore.getCommits(MIRROR, List.of(two.id())).get(two.id()).commit()).isEqualTo(two);
        assertThat(f.mirror.totalCalls() - f.mirror.calls(LakeFsOperation.GET_BRANCH))
                .as("the repair only reads the mirror's head").isZero();

        f.db.recordValidated(MIRROR, MAIN, new BranchState.Validated(sensed, Optional.of(two.id()), f.clock.instant(),
                f.clock.instant(), sensed));
        assertThat(f.promoter("p").promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.PROMOTED);
        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).isEqualTo(two.id());
    }

    @Test
    void repair_shouldKeepTheSensedSequence_whenTheMirrorIsAlreadyAtItsHead() {
        f.sourceCommit(MAIN, "one");
        long sensed = sense();
        pipeline(sensed);
        forgeHugeSequence(f.source.head(SOURCE_REPO, MAIN));

        BranchState after = repair().repair(f.spec, MAIN).after();

        assertThat(after.validatedSequence()).isEqualTo(sensed);
        assertThat(after.promotedSequence()).isEqualTo(sensed);
        assertThat(after.waiting()).isEmpty();
        assertThat(after.needsPromotion()).isFalse();
    }

    @Test
    void repair_shouldRecordALostHeadAsWaiting_andReplaceATamperedRecordOfIt() {
        f.sourceCommit(MAIN, "one");
        pipeline(sense());
        CommitRecord two = f.source.commit(SOURCE_REPO, MAIN, "two, whose message was lost");
        f.refstore.putCommits(MIRROR, List.of(new CommitRecord(two.id(), two.parents(), two.committer(), "tampered",
                two.metaRangeId(), two.creationDate(), two.metadata(), two.generation(), two.version())));
        long sensed = sense();
        f.db.recordPromoterError(MIRROR, MAIN, new BranchState.ErrorInfo("lakeFS answered 503", f.clock.instant()), "p");

        BranchRepair.Plan plan = repair().repair(f.spec, MAIN);

        BranchState after = f.db.getBranchState(MIRROR, MAIN).orElseThrow();
        assertThat(after.waiting()).map(BranchState.Waiting::sequence).contains(sensed);
        assertThat(after.validatedSequence()).isEqualTo(sensed - 1);
        assertThat(after.promoterError()).isEmpty();
        assertThat(f.refstore.getCommits(MIRROR, List.of(two.id())).get(two.id()).commit()).isEqualTo(two);
        assertThat(plan.notes()).anyMatch(n -> n.contains("does not hash to its ID"));
    }

    @Test
    void repair_shouldChangeNothing_whenTheStateFollowsTheSensor() {
        f.sourceCommit(MAIN, "one");
        pipeline(sense());

        BranchRepair.Plan plan = repair().repair(f.spec, MAIN);

        assertThat(plan.changes()).isFalse();
        assertThat(plan.sourceHead()).contains(Optional.of(f.source.head(SOURCE_REPO, MAIN)));
    }

    @Test
    void repair_shouldRefuse_whileAPromoterHoldsTheBranch_orForAMirrorOfAnotherRegion() {
        f.sourceCommit(MAIN, "one");
        long sensed = sense();
        f.db.recordValidated(MIRROR, MAIN, new BranchState.Validated(HUGE, Optional.empty(), f.clock.instant(),
                f.clock.instant(), 1));
        f.db.claimPromotion(MIRROR, MAIN, new BranchState.PromotionLease(HUGE, "q", f.clock.instant().plusSeconds(30)),
                Optional.empty());

        assertThatThrownBy(() -> repair().repair(f.spec, MAIN)).isInstanceOf(StaleWriteException.class)
                .hasMessageContaining("run the command again");
        assertThat(f.db.getBranchState(MIRROR, MAIN).orElseThrow().validatedSequence()).isEqualTo(HUGE);
        assertThat(sensed).isEqualTo(1);

        BranchRepair elsewhere = new BranchRepair(SOURCE, f.db, f.refstore, f.mirror, region -> f.source, f.clock);
        assertThatThrownBy(() -> elsewhere.plan(f.spec, MAIN)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("run the command there");
        assertThatThrownBy(() -> repair().find("nope")).isInstanceOf(NotFoundException.class);
        assertThat(repair().find(MIRROR_REPO.value()).id()).isEqualTo(MIRROR);
    }
}
